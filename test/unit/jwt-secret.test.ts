import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { resolveJwtSecret } from '../../server/auth/jwt-secret';

describe('JWT secret at start-up', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-secret-'));

  it('when JWT_SECRET is set, then it is used as is', () => {
    expect(resolveJwtSecret({ jwtSecret: 'x'.repeat(32), dataDir: dir(), embedded: false })).to.equal('x'.repeat(32));
  });

  it('when DATABASE_URL is set without JWT_SECRET, then start-up is refused', () => {
    expect(() => resolveJwtSecret({ dataDir: dir(), embedded: false })).to.throw(/JWT_SECRET is required/);
  });

  it('when the embedded default has no JWT_SECRET, then one is generated once into DATA_DIR/jwt-secret (0600) and reused', () => {
    const d = dir();
    const first = resolveJwtSecret({ dataDir: d, embedded: true });
    expect(Buffer.byteLength(first)).to.be.at.least(32);
    expect(fs.statSync(path.join(d, 'jwt-secret')).mode & 0o777).to.equal(0o600);
    expect(resolveJwtSecret({ dataDir: d, embedded: true })).to.equal(first);
  });
});
