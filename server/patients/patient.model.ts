import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** FHIR R4 AdministrativeGender (http://hl7.org/fhir/administrative-gender). */
export const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

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
  /** FHIR administrative-gender: `male`, `female`, `other`, `unknown`. */
  @Column({ type: DataType.TEXT }) declare gender: Gender | null;
  /** `YYYY-MM-DD`; when set, the answered age is derived from it. */
  @Column({ type: DataType.DATEONLY }) declare date_of_birth: string | null;
  /** Set while the patient is deactivated (not bookable, left out of searches by default). */
  @Column({ type: DataType.DATE }) declare deactivated_at: Date | null;
  /** When and by whom the patient's personal data was erased (server/lifecycle). */
  @Column({ type: DataType.DATE }) declare erased_at: Date | null;
  @Column({ type: DataType.UUID }) declare erased_by: string | null;
  @Column({ type: DataType.UUID }) declare created_by: string | null;
  @Column({ type: DataType.UUID }) declare updated_by: string | null;
  @Column({ type: DataType.DATE }) declare created_at: Date;
  @Column({ type: DataType.DATE }) declare updated_at: Date;
}
