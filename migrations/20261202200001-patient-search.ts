import type { QueryInterface, Transaction } from 'sequelize';
import type { Migration } from '../server/core/migrator';

/** The schema an extension lives in (functions used by indexes name it, so a restore with an empty search_path works). */
async function extensionSchema(qi: QueryInterface, name: string, transaction: Transaction): Promise<string> {
  const [rows] = (await qi.sequelize.query(
    `SELECT n.nspname AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = '${name}'`,
    { transaction },
  )) as [Array<{ s: string }>, unknown];
  return `"${rows[0].s.replace(/"/g, '')}"`;
}

/**
 * Patient search at scale: `pg_trgm` (similar spellings, substring and prefix matches through a GIN index) and
 * `fuzzystrmatch` (Double Metaphone: names that sound alike, e.g. Sharma/Shrama, Mohamed/Muhammad), beside the
 * `unaccent` the schedules migration created. Three IMMUTABLE functions fold a name the one way the indexes and the
 * queries both use (server/patients/patient-search.ts): `clinic_fold` (unaccent, lower case, single spaces),
 * `patient_search_name(first, last)` and `patient_name_codes(name)` (the Double Metaphone code of each word),
 * stored on each patient as the generated columns `search_name` and `name_codes` (kept right by PostgreSQL on every
 * write). Indexes: trigrams of `search_name`, the codes, and the reversed phone (phone-suffix search).
 */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q('CREATE EXTENSION IF NOT EXISTS unaccent');
    await q('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await q('CREATE EXTENSION IF NOT EXISTS fuzzystrmatch');
    const ua = await extensionSchema(qi, 'unaccent', transaction);
    const fz = await extensionSchema(qi, 'fuzzystrmatch', transaction);
    const [[{ s }]] = (await qi.sequelize.query('SELECT current_schema() AS s', { transaction })) as [Array<{ s: string }>, unknown];
    const own = `"${s.replace(/"/g, '')}"`;
    await q(`
      CREATE FUNCTION clinic_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT lower(btrim(regexp_replace(${ua}.unaccent('${ua}.unaccent'::regdictionary, t), '\\s+', ' ', 'g'))) $$`);
    await q(`
      CREATE FUNCTION patient_search_name(first_name text, last_name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT ${own}.clinic_fold(first_name || coalesce(' ' || last_name, '')) $$`);
    await q(`
      CREATE FUNCTION patient_name_codes(name text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}')
              FROM unnest(string_to_array(${own}.clinic_fold(name), ' ')) w, ${fz}.dmetaphone(w) c WHERE c <> '' $$`);
    // Stored, not computed per row at search time: ranking reads them for every candidate.
    await q(`ALTER TABLE patients
               ADD COLUMN search_name text GENERATED ALWAYS AS (patient_search_name(first_name, last_name)) STORED,
               ADD COLUMN name_codes text[] GENERATED ALWAYS AS (patient_name_codes(patient_search_name(first_name, last_name))) STORED`);
    await q(`CREATE INDEX patients_search_name_trgm_idx ON patients USING gin (search_name gin_trgm_ops)`);
    await q(`CREATE INDEX patients_name_codes_idx ON patients USING gin (name_codes)`);
    await q(`CREATE INDEX patients_phone_reverse_idx ON patients (reverse(phone) text_pattern_ops)`);
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q('DROP INDEX IF EXISTS patients_search_name_trgm_idx, patients_name_codes_idx, patients_phone_reverse_idx');
    await q('ALTER TABLE patients DROP COLUMN IF EXISTS search_name, DROP COLUMN IF EXISTS name_codes');
    await q('DROP FUNCTION IF EXISTS patient_name_codes(text), patient_search_name(text, text), clinic_fold(text)');
    // unaccent stays: the schedules migration created it and doctors' search uses it.
    await q('DROP EXTENSION IF EXISTS fuzzystrmatch');
    await q('DROP EXTENSION IF EXISTS pg_trgm');
  });
};
