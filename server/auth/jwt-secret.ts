import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The JWT secret for a start-up: `JWT_SECRET` when set; else, for the embedded default only, the one kept
 * in `${dataDir}/jwt-secret` (generated on first start: 48 random bytes, base64url, file mode 0600).
 * @throws Error when neither applies (a real deployment must set JWT_SECRET).
 */
export function resolveJwtSecret(opts: { jwtSecret?: string; dataDir: string; embedded: boolean }): string {
  if (opts.jwtSecret) return opts.jwtSecret;
  if (!opts.embedded) {
    throw new Error('JWT_SECRET is required when DATABASE_URL is set (at least 32 bytes, e.g. `openssl rand -base64 48`)');
  }
  const file = path.join(opts.dataDir, 'jwt-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(secret, 'utf8') < 32)
    throw new Error(`${file} holds a secret shorter than 32 bytes; delete it to generate a new one`);
  return secret;
}
