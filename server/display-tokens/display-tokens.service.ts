import { NotFound, Unprocessable } from '../core/errors';
import { page } from '../core/schemas';
import type { DoctorRepository } from '../doctors/doctors.repository';
import type { DisplayTokenDto } from './display-token.model';
import type { DisplayTokenRepository } from './display-tokens.repository';
import { hashScreenToken, isScreenToken, newScreenToken } from './screen-token';

/** A screen token as minted: the only time `token` is ever shown. */
export interface MintedDisplayToken {
  id: string;
  label: string;
  doctor_ids: string[];
  token: string;
  created_at: string;
}

/** What the screen-token service needs; `closeSockets` ends a screen's live connections on every instance. */
export interface DisplayTokensDeps {
  repo: DisplayTokenRepository;
  doctors: Pick<DoctorRepository, 'existing'>;
  closeSockets(actor: { type: 'screen'; id: string }): Promise<void>;
}

/** Screen tokens: credentials for waiting-room screens, limited to the public queue view of some doctors. */
export function createDisplayTokensService({ repo, doctors, closeSockets }: DisplayTokensDeps) {
  return {
    /**
     * Mints a screen token for the public queue view of `doctor_ids`. Only its SHA-256 is stored.
     * @throws Unprocessable `DOCTOR_NOT_FOUND` (details `{missing}`) when a doctor id is unknown.
     */
    async mint(input: { label: string; doctor_ids: string[] }, createdBy: string | null): Promise<MintedDisplayToken> {
      const doctorIds = [...new Set(input.doctor_ids)];
      const found = new Set(await doctors.existing(doctorIds));
      const missing = doctorIds.filter((id) => !found.has(id));
      if (missing.length) throw new Unprocessable('DOCTOR_NOT_FOUND', 'Some doctor ids are unknown', { missing });
      const token = newScreenToken();
      const row = await repo.create({
        label: input.label,
        doctor_ids: doctorIds,
        token_hash: hashScreenToken(token),
        created_by: createdBy,
      });
      return { id: row.id, label: row.label, doctor_ids: row.doctor_ids, token, created_at: row.created_at };
    },

    /** Lists screen tokens (never the token itself), newest first; revoked ones only with `include_revoked`. */
    async list(params: { include_revoked?: boolean; limit: number; offset: number }) {
      const { rows, total } = await repo.list(params);
      return page(rows, total, params.limit, params.offset);
    },

    /**
     * Revokes a screen token: it stops working at once (tokens are looked up per request and per handshake)
     * and its open sockets are closed on every instance. Revoking twice is harmless.
     * @throws NotFound `DISPLAY_TOKEN_NOT_FOUND`
     */
    async revoke(id: string): Promise<void> {
      if ((await repo.revoke(id)) === 'unknown') throw new NotFound('No screen token with this id', 'DISPLAY_TOKEN_NOT_FOUND');
      await closeSockets({ type: 'screen', id });
    },

    /** The active screen token with this value, or null (malformed, unknown or revoked). */
    async findActive(token: string): Promise<DisplayTokenDto | null> {
      if (!isScreenToken(token)) return null;
      return repo.findActiveByHash(hashScreenToken(token));
    },
  };
}
export type DisplayTokensService = ReturnType<typeof createDisplayTokensService>;
