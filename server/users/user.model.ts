import { Column, DataType, Model, Table } from 'sequelize-typescript';
import type { Role } from '../core/actor';

/** A staff account. `email` is stored lower-cased; the unique index is on `lower(email)`. */
@Table({ tableName: 'users' })
export class User extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare email: string;
  /** Argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). Never leaves the server. */
  @Column({ type: DataType.TEXT, allowNull: false }) declare password_hash: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare role: Role;
  /** Set exactly when `role` is `doctor` (a CHECK constraint requires it then). */
  @Column({ type: DataType.UUID }) declare doctor_id: string | null;
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: true }) declare is_active: boolean;
  @Column({ type: DataType.DATE }) declare created_at: Date;
  @Column({ type: DataType.DATE }) declare updated_at: Date;
}

/** A user as the API shows it (no password hash). */
export interface UserDto {
  id: string;
  email: string;
  role: Role;
  doctor_id: string | null;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export function toUserDto(u: User): UserDto {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    doctor_id: u.doctor_id,
    is_active: u.is_active,
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
  };
}
