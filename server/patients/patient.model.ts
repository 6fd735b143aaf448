import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A registered patient. Personal data: never logged, never on a public channel. */
@Table({ tableName: 'patients' })
export class Patient extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare first_name: string;
  @Column({ type: DataType.TEXT }) declare last_name: string | null;
  @Column({ type: DataType.SMALLINT }) declare age: number | null;
  /** E.164, e.g. `+919812345678`. */
  @Column({ type: DataType.TEXT, allowNull: false }) declare phone: string;
  @Column({ type: DataType.TEXT }) declare email: string | null;
  @Column({ type: DataType.UUID }) declare created_by: string | null;
  @Column({ type: DataType.UUID }) declare updated_by: string | null;
  @Column({ type: DataType.DATE }) declare created_at: Date;
  @Column({ type: DataType.DATE }) declare updated_at: Date;
}
