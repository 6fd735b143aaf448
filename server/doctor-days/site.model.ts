import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** A place where doctors see patients (a hospital, a branch), with its own time zone. */
@Table({ tableName: 'sites' })
export class Site extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  /** Short unique code, upper case, e.g. `MAIN`. */
  @Column({ type: DataType.TEXT, allowNull: false }) declare code: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare name: string;
  @Column({ type: DataType.TEXT }) declare address: string | null;
  @Column({ type: DataType.TEXT }) declare phone: string | null;
  /** IANA zone; null only on the default site, where it means CLINIC_TIMEZONE. */
  @Column({ type: DataType.TEXT }) declare timezone: string | null;
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: false }) declare is_default: boolean;
  @Column({ type: DataType.DATE }) declare created_at: Date;
  @Column({ type: DataType.DATE }) declare updated_at: Date;
}

/** A site as the API shows it; `timezone` is always the effective zone. */
export interface SiteDto {
  id: string;
  code: string;
  name: string;
  address: string | null;
  phone: string | null;
  /** IANA zone in which this site's days, times and "today" are reckoned. */
  timezone: string;
  is_default: boolean;
  created_at: string;
  updated_at: string;
}

/** The plain object of a row; `clinicTimezone` fills the default site's zone when it follows the configuration. */
export function toSiteDto(s: Site, clinicTimezone: string): SiteDto {
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    address: s.address,
    phone: s.phone,
    timezone: s.timezone ?? clinicTimezone,
    is_default: s.is_default,
    created_at: s.created_at.toISOString(),
    updated_at: s.updated_at.toISOString(),
  };
}
