import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A doctor (or, in the replayed data, a service point) whose days are booked. */
@Table({ tableName: 'doctors' })
export class Doctor extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare name: string;
  /** Short unique code, upper case, e.g. `DR_A`; prefixes the public token (`DR_A-007`). */
  @Column({ type: DataType.TEXT, allowNull: false }) declare code: string;
  @Column({ type: DataType.TEXT }) declare specialty: string | null;
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 10 }) declare default_daily_capacity: number;
  /** ISO weekdays (1 = Monday … 7 = Sunday). */
  @Column({ type: DataType.ARRAY(DataType.SMALLINT), allowNull: false, defaultValue: [1, 2, 3, 4, 5] }) declare working_days: number[];
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: true }) declare is_active: boolean;
  @Column({ type: DataType.TEXT }) declare email: string | null;
  @Column({ type: DataType.SMALLINT }) declare experience_years: number | null;
  /** BCP 47 language tags, canonical form (e.g. `ta`, `en-IN`). */
  @Column({ type: DataType.ARRAY(DataType.TEXT), allowNull: false, defaultValue: [] }) declare languages: string[];
  @Column({ type: DataType.TEXT, allowNull: false, defaultValue: 'in_person' }) declare consultation_type: 'in_person' | 'video';
  @Column({ type: DataType.TEXT }) declare bio: string | null;
  /** Average consultation, minutes: estimated times and waits of token sessions. */
  @Column({ type: DataType.SMALLINT, allowNull: false, defaultValue: 10 }) declare consult_minutes: number;
  @Column({ type: DataType.DATE }) declare created_at: Date;
  @Column({ type: DataType.DATE }) declare updated_at: Date;
}

/** A doctor as the API shows it. */
export interface DoctorDto {
  id: string;
  name: string;
  code: string;
  specialty: string | null;
  default_daily_capacity: number;
  /** ISO weekdays, ascending. */
  working_days: number[];
  is_active: boolean;
  email: string | null;
  experience_years: number | null;
  /** BCP 47 language tags. */
  languages: string[];
  consultation_type: 'in_person' | 'video';
  bio: string | null;
  /** Average consultation, minutes. */
  consult_minutes: number;
  created_at: string;
  updated_at: string;
}

/** The plain object of a model row. */
export function toDoctorDto(d: Doctor): DoctorDto {
  return {
    id: d.id,
    name: d.name,
    code: d.code,
    specialty: d.specialty,
    default_daily_capacity: d.default_daily_capacity,
    working_days: [...d.working_days].map(Number).sort(),
    is_active: d.is_active,
    email: d.email,
    experience_years: d.experience_years,
    languages: [...(d.languages ?? [])],
    consultation_type: d.consultation_type,
    bio: d.bio,
    consult_minutes: Number(d.consult_minutes),
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}
