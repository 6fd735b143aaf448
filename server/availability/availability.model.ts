import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A doctor's explicit availability for one clinic day; days without a row follow `working_days`. */
@Table({ tableName: 'doctor_availability' })
export class DoctorAvailability extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.UUID, allowNull: false }) declare doctor_id: string;
  @Column({ type: DataType.DATEONLY, allowNull: false }) declare date: string;
  @Column({ type: DataType.BOOLEAN, allowNull: false }) declare is_present: boolean;
  /** Overrides the doctor's default_daily_capacity for this day when set. */
  @Column({ type: DataType.INTEGER }) declare capacity: number | null;
  @Column({ type: DataType.TEXT }) declare notes: string | null;
  @Column({ type: DataType.UUID }) declare updated_by: string | null;
  @Column({ type: DataType.DATE }) declare created_at: Date;
  @Column({ type: DataType.DATE }) declare updated_at: Date;
}
