import type { Scope } from '../core/actor';
import { NotFound } from '../core/errors';
import { page } from '../core/schemas';
import type { ApiKeyDto, ApiKeyRepository } from './api-keys.repository';
import { hashApiKey, isApiKey, newApiKey } from './api-key';

/** An API key as minted: the only time `key` is ever shown. */
export interface MintedApiKey {
  id: string;
  label: string;
  scopes: Scope[];
  source: string;
  key: string;
  created_at: string;
}

/**
 * API keys: credentials for machine clients (a phone agent, the website, a kiosk), limited to their scopes.
 * `onRevoked` runs after a revocation committed (the composition root drops the key from this instance's credential cache).
 */
export function createApiKeysService({ repo, onRevoked = () => {} }: { repo: ApiKeyRepository; onRevoked?: (id: string) => void }) {
  return {
    /** Mints a key; only its SHA-256 is stored. */
    async mint(input: { label: string; scopes: Scope[]; source: string }, createdBy: string | null): Promise<MintedApiKey> {
      const key = newApiKey();
      const row = await repo.create({
        label: input.label,
        scopes: [...new Set(input.scopes)],
        source: input.source,
        key_hash: hashApiKey(key),
        created_by: createdBy,
      });
      return { id: row.id, label: row.label, scopes: row.scopes, source: row.source, key, created_at: row.created_at };
    },

    /** Lists keys (never the key itself), newest first; revoked ones only with `include_revoked`. */
    async list(params: { include_revoked?: boolean; limit: number; offset: number }) {
      const { rows, total } = await repo.list(params);
      return page<ApiKeyDto>(rows, total, params.limit, params.offset);
    },

    /**
     * Revokes a key: it stops working at once (keys are looked up on every request). Revoking twice is harmless.
     * @throws NotFound `API_KEY_NOT_FOUND`
     */
    async revoke(id: string): Promise<void> {
      if ((await repo.revoke(id)) === 'unknown') throw new NotFound('No API key with this id', 'API_KEY_NOT_FOUND');
      onRevoked(id);
    },

    /** The active key with this value, or null (malformed, unknown or revoked). */
    async findActive(key: string) {
      if (!isApiKey(key)) return null;
      return repo.findActiveByHash(hashApiKey(key));
    },
  };
}
export type ApiKeysService = ReturnType<typeof createApiKeysService>;
