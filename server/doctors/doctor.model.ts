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
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}
