import { expect } from 'chai';
import { Client } from 'pg';
import { CREDENTIALS_CHANNEL } from '../../server/auth/credential-cache';
import { migrationScratch } from '../support/scratch-db';
import { sleep } from '../support/server-process';

const MINE = '20261203000001-credential-notify.js';

describe('migration 20261203000001-credential-notify on a database holding the previous version’s data', () => {
  const h = migrationScratch();
  const q = <T extends object>(sql: string) => h.q<T>(sql);
  const triggers = async () =>
    (await q<{ tgname: string }>(`SELECT tgname FROM pg_trigger WHERE tgname LIKE '%_credential_%' ORDER BY tgname`)).map((r) => r.tgname);

  /** What a listener on the scratch database hears within 300 ms of `sql` committing. */
  async function heard(sql: string): Promise<string[]> {
    const c = new Client({ connectionString: h.db.url });
    await c.connect();
    const payloads: string[] = [];
    c.on('notification', (n) => payloads.push(n.payload ?? ''));
    try {
      await c.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
      await h.sequelize.query(sql);
      await sleep(300);
    } finally {
      await c.end();
    }
    return payloads;
  }

  it('when migrated up over existing accounts, keys and screen tokens and down again, then every row survives and only the triggers come and go', async () => {
    const umzug = await h.upToBefore(MINE);
    const [u] = await q<{ id: string }>(
      `INSERT INTO users (email, password_hash, role) VALUES ('old@clinic.local', 'h', 'reception') RETURNING id`,
    );
    await q(`INSERT INTO api_keys (label, scopes, source, key_hash) VALUES ('k', '{doctors:read}', 'web', 'hash-1') RETURNING id`);
    await q(`INSERT INTO display_tokens (label, doctor_ids, token_hash) VALUES ('tv', '{}', 'hash-2') RETURNING id`);
    const snapshot = () =>
      q(
        `SELECT (SELECT json_agg(u) FROM users u) AS users, (SELECT json_agg(k) FROM api_keys k) AS keys, (SELECT json_agg(t) FROM display_tokens t) AS screens`,
      );
    const before = await snapshot();

    await umzug.up();
    expect(await triggers()).to.have.length(9);
    expect(await snapshot()).to.deep.equal(before);
    expect(await heard(`UPDATE users SET is_active = false WHERE id = '${u.id}'`)).to.deep.equal([`users:${u.id}`]);

    await umzug.down();
    expect(await triggers()).to.deep.equal([]);
    expect(await heard(`UPDATE users SET is_active = true WHERE id = '${u.id}'`)).to.deep.equal([]);
    const [{ n }] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE id = '${u.id}' AND is_active`);
    expect(n).to.equal(1);
    await umzug.up();
    expect(await triggers()).to.have.length(9);
  });
});
