import type { Migration } from '../server/core/migrator';

/**
 * Credential change notifications, for the per-instance credential cache (server/auth/credential-cache.ts, README
 * "Credential cache"). Every committed change of what authentication reads — an account's role, doctor, activity,
 * e-mail or `token_version`; a screen token's revocation, doctors or site; an API key's revocation, scopes,
 * source or label — and every delete sends `pg_notify('credentials_changed', '<table>:<id>')`, delivered at
 * commit to every instance's listener; a TRUNCATE sends `'<table>:*'`. Channel name and payload are
 * `CREDENTIALS_CHANNEL` / `parseCredentialChange` in that module (a test checks they agree with this trigger).
 * `api_keys.last_used_at` (touched at most once a minute per key) notifies nothing.
 */
const TABLES: Array<{ table: string; columns: string[] }> = [
  { table: 'users', columns: ['role', 'doctor_id', 'is_active', 'email', 'token_version'] },
  { table: 'display_tokens', columns: ['revoked_at', 'doctor_ids', 'site_id', 'label'] },
  { table: 'api_keys', columns: ['revoked_at', 'scopes', 'source', 'label'] },
];

export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`
      CREATE FUNCTION notify_credential_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          PERFORM pg_notify('credentials_changed', TG_TABLE_NAME || ':*');
        ELSE
          PERFORM pg_notify('credentials_changed', TG_TABLE_NAME || ':' || OLD.id::text);
        END IF;
        RETURN NULL;
      END $$`);
    for (const { table, columns } of TABLES) {
      const changed = columns.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');
      await q(`
        CREATE TRIGGER ${table}_credential_update AFTER UPDATE OF ${columns.join(', ')} ON ${table}
        FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION notify_credential_change()`);
      await q(
        `CREATE TRIGGER ${table}_credential_delete AFTER DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION notify_credential_change()`,
      );
      await q(
        `CREATE TRIGGER ${table}_credential_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION notify_credential_change()`,
      );
    }
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    for (const { table } of TABLES) {
      for (const t of ['update', 'delete', 'truncate']) {
        await qi.sequelize.query(`DROP TRIGGER IF EXISTS ${table}_credential_${t} ON ${table}`, { transaction });
      }
    }
    await qi.sequelize.query('DROP FUNCTION IF EXISTS notify_credential_change()', { transaction });
  });
};
