import type { Sequelize } from 'sequelize-typescript';
import { DisplayToken, toDisplayTokenDto, type DisplayTokenDto } from './display-token.model';

/** Storage of screen tokens (only their SHA-256 is stored); returns plain objects. */
export function createDisplayTokenRepository(sequelize: Sequelize) {
  const tokens = sequelize.getRepository(DisplayToken);
  return {
    async create(p: { label: string; doctor_ids: string[]; token_hash: string; created_by: string | null }): Promise<DisplayTokenDto> {
      return toDisplayTokenDto(await tokens.create({ ...p }));
    },

    /** Newest first; revoked ones only with `include_revoked`. */
    async list(p: { include_revoked?: boolean; limit: number; offset: number }): Promise<{ rows: DisplayTokenDto[]; total: number }> {
      const where = p.include_revoked ? {} : { revoked_at: null };
      const { rows, count } = await tokens.findAndCountAll({
        where,
        order: [
          ['created_at', 'DESC'],
          ['id', 'ASC'],
        ],
        limit: p.limit,
        offset: p.offset,
      });
      return { rows: rows.map(toDisplayTokenDto), total: count };
    },

    /** Revokes; `'unknown'` when no such token exists, `'revoked'` otherwise (also when it already was). */
    async revoke(id: string): Promise<'revoked' | 'unknown'> {
      const [count] = await tokens.update({ revoked_at: new Date() }, { where: { id, revoked_at: null } });
      if (count > 0) return 'revoked';
      return (await tokens.findByPk(id, { attributes: ['id'] })) ? 'revoked' : 'unknown';
    },

    /** The active token with this hash, or null. */
    async findActiveByHash(tokenHash: string): Promise<DisplayTokenDto | null> {
      const row = await tokens.findOne({ where: { token_hash: tokenHash, revoked_at: null } });
      return row ? toDisplayTokenDto(row) : null;
    },
  };
}
export type DisplayTokenRepository = ReturnType<typeof createDisplayTokenRepository>;
