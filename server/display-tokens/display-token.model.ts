import { Column, DataType, Model, Table } from 'sequelize-typescript';

/**
 * A waiting-room screen's credential. Only the SHA-256 of the token is stored; the token itself is shown
 * once, when it is minted. `revoked_at` set → the token stops working at once.
 */
@Table({ tableName: 'display_tokens', updatedAt: false })
export class DisplayToken extends Model {
  @Column({ type: DataType.UUID, primaryKey: true, defaultValue: DataType.UUIDV4 }) declare id: string;
  @Column({ type: DataType.TEXT, allowNull: false }) declare label: string;
  @Column({ type: DataType.ARRAY(DataType.UUID), allowNull: false }) declare doctor_ids: string[];
  /** Hex SHA-256 of the full token string (`scr_…`). */
  @Column({ type: DataType.TEXT, allowNull: false }) declare token_hash: string;
  @Column({ type: DataType.UUID }) declare created_by: string | null;
  @Column({ type: DataType.DATE }) declare created_at: Date;
  @Column({ type: DataType.DATE }) declare revoked_at: Date | null;
}

/** A screen token as listed (never the token or its hash). */
export interface DisplayTokenDto {
  id: string;
  label: string;
  doctor_ids: string[];
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}

export function toDisplayTokenDto(t: DisplayToken): DisplayTokenDto {
  return {
    id: t.id,
    label: t.label,
    doctor_ids: [...t.doctor_ids],
    created_by: t.created_by,
    created_at: t.created_at.toISOString(),
    revoked_at: t.revoked_at ? t.revoked_at.toISOString() : null,
  };
}
