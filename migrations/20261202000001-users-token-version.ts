import type { Migration } from '../server/core/migrator';

/**
 * `users.token_version`: the account's credential version, carried in every staff token as the `ver` claim
 * and compared on every request and Socket.IO handshake. Bumping it (password reset, role or doctor change,
 * deactivation, "log out everywhere") refuses every token issued before. Existing accounts start at 0, which
 * is also what a token without the claim counts as, so tokens issued before this migration stay valid until
 * the account's first bump.
 */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0 CHECK (token_version >= 0)');
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('ALTER TABLE users DROP COLUMN IF EXISTS token_version');
};
