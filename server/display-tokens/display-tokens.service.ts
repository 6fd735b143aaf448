import { Op } from 'sequelize';
import { NotFound, Unprocessable } from '../core/errors';
import { page } from '../core/schemas';
import { Doctor } from '../doctors/doctor.model';
import { DisplayToken, toDisplayTokenDto, type DisplayTokenDto } from './display-token.model';
import { hashScreenToken, newScreenToken } from './screen-token';

/** A screen token as minted: the only time `token` is ever shown. */
export interface MintedDisplayToken { id: string; label: string; doctor_ids: string[]; token: string; created_at: string }

/**
 * Mints a screen token for the public queue view of `doctor_ids`. Only its SHA-256 is stored.
 * @throws Unprocessable `DOCTOR_NOT_FOUND` (details `{missing}`) when a doctor id is unknown.
 */
export async function mintDisplayToken(input: { label: string; doctor_ids: string[] }, createdBy: string | null): Promise<MintedDisplayToken> {
  const doctorIds = [...new Set(input.doctor_ids)];
  const found = await Doctor.findAll({ where: { id: { [Op.in]: doctorIds } }, attributes: ['id'] });
  const missing = doctorIds.filter((id) => !found.some((d) => d.id === id));
  if (missing.length) throw new Unprocessable('DOCTOR_NOT_FOUND', 'Some doctor ids are unknown', { missing });
  const token = newScreenToken();
  const row = await DisplayToken.create({ label: input.label, doctor_ids: doctorIds, token_hash: hashScreenToken(token), created_by: createdBy });
  return { id: row.id, label: row.label, doctor_ids: [...row.doctor_ids], token, created_at: row.created_at.toISOString() };
}

/** Lists screen tokens (never the token itself), newest first; revoked ones only with `include_revoked`. */
export async function listDisplayTokens(params: { include_revoked?: boolean; limit: number; offset: number }) {
  const where = params.include_revoked ? {} : { revoked_at: null };
  const { rows, count } = await DisplayToken.findAndCountAll({ where, order: [['created_at', 'DESC'], ['id', 'ASC']], limit: params.limit, offset: params.offset });
  return page(rows.map(toDisplayTokenDto), count, params.limit, params.offset);
}

/**
 * Revokes a screen token; it stops working at once (tokens are looked up per request and per handshake).
 * Revoking twice is harmless. @throws NotFound `DISPLAY_TOKEN_NOT_FOUND`
 */
export async function revokeDisplayToken(id: string): Promise<void> {
  const [count] = await DisplayToken.update({ revoked_at: new Date() }, { where: { id, revoked_at: null } });
  if (count === 0 && !(await DisplayToken.findByPk(id, { attributes: ['id'] }))) {
    throw new NotFound('No screen token with this id', 'DISPLAY_TOKEN_NOT_FOUND');
  }
}

/** The active screen token with this value, or null (unknown or revoked). */
export async function findActiveDisplayToken(token: string): Promise<DisplayTokenDto | null> {
  const row = await DisplayToken.findOne({ where: { token_hash: hashScreenToken(token), revoked_at: null } });
  return row ? toDisplayTokenDto(row) : null;
}
