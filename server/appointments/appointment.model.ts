import { Column, DataType, Model, Table } from 'sequelize-typescript';
import type { AppointmentStatus } from './appointment-status';

/** One patient's booking on a doctor-day; `slot` (1..capacity) is the patient's token number that day. */
@Table({ tableName: 'appointments' })
export class Appointment extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare patient_id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare doctor_id: string;
  @Column({ type: DataType.DATEONLY, allowNull: false }) declare date: string;
  @Column({ type: DataType.INTEGER, allowNull: false }) declare slot: number;
  @Column({ type: DataType.TEXT, allowNull: false }) declare status: AppointmentStatus;
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: false }) declare is_walk_in: boolean;
  @Column({ type: DataType.UUID }) declare created_by: string | null;
  @Column({ type: DataType.DATE }) declare created_at: Date;
  @Column({ type: DataType.DATE }) declare updated_at: Date;
}

/** The audit trail: one row per status change, written in the same transaction as the change. */
@Table({ tableName: 'appointment_events', timestamps: false })
export class AppointmentEvent extends Model {
  @Column({ type: DataType.BIGINT, primaryKey: true, autoIncrement: true }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare appointment_id: string;
  @Column({ type: DataType.TEXT }) declare from_status: AppointmentStatus | null;
  @Column({ type: DataType.TEXT, allowNull: false }) declare to_status: AppointmentStatus;
  @Column({ type: DataType.UUID }) declare actor_id: string | null;
  @Column({ type: DataType.TEXT }) declare actor_type: string | null;
  @Column({ type: DataType.TEXT }) declare reason: string | null;
  @Column({ type: DataType.JSONB }) declare data: Record<string, unknown> | null;
  @Column({ type: DataType.DATE }) declare at: Date;
}

/** An appointment as the API returns it. `appointment_id` repeats `id` for clients of the original contract. */
export interface AppointmentDto {
  id: string; appointment_id: string; patient_id: string; doctor_id: string; date: string; slot: number;
  status: AppointmentStatus; is_walk_in: boolean; created_at: string; updated_at: string;
}

export function toAppointmentDto(a: { id: string; patient_id: string; doctor_id: string; date: string; slot: number; status: AppointmentStatus; is_walk_in: boolean; created_at: Date | string; updated_at: Date | string }): AppointmentDto {
  const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
  return {
    id: a.id, appointment_id: a.id, patient_id: a.patient_id, doctor_id: a.doctor_id, date: a.date, slot: a.slot,
    status: a.status, is_walk_in: a.is_walk_in, created_at: iso(a.created_at), updated_at: iso(a.updated_at),
  };
}
