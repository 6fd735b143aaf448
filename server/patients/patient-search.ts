import { isoUtc } from '../core/sql';

/**
 * The SQL of patient search, written once here so the repository and the EXPLAIN test
 * (test/integration/explain-hot-statements.test.ts) run the same text. Names are compared folded — unaccented,
 * lower case, single spaces — by the functions of migration 20261202200001-patient-search, which stores each
 * patient's folded name and its sound codes as generated columns and indexes them:
 * - `patients_search_name_trgm_idx`: trigrams of `search_name` (substring, prefix and similar spellings);
 * - `patients_name_codes_idx`: `name_codes`, the Double Metaphone code of each word of it (names that sound alike);
 * - `patients_phone_reverse_idx`: `reverse(phone)`, so a phone suffix is an index prefix.
 * Binds are `$name` style (server/core/sql.ts); every one is sent as a parameter and planned with its value.
 */

/** The folded full name of the patient row `p` (a generated column): the trigram index is built on it. */
export const SEARCH_NAME = 'p.search_name';

/** `text` escaped for use inside a LIKE pattern (backslash is LIKE's default escape). */
const likeEscaped = (text: string) => `replace(replace(replace(${text}, '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;
const FOLDED_NAME = 'clinic_fold($name::text)';

/** The name-search conditions on `p`, for `$name`: each one served by an index. */
const NAME = {
  /** The folded name starts with the query (first name first). */
  prefix: `${SEARCH_NAME} LIKE ${likeEscaped(FOLDED_NAME)} || '%'`,
  /** A later word of the name starts with the query (a last name). */
  wordPrefix: `${SEARCH_NAME} LIKE '% ' || ${likeEscaped(FOLDED_NAME)} || '%'`,
  /** Spelled alike: pg_trgm word similarity of the query to some run of the name ≥ pg_trgm.word_similarity_threshold (0.6). */
  similar: `${SEARCH_NAME} %> ${FOLDED_NAME}`,
  /** Sounds alike: every word of the query has the Double Metaphone code of some word of the name. */
  soundsLike: `p.name_codes @> patient_name_codes($name::text)`,
};

/**
 * The relevance of `p` to `$name` (higher first): 2 when the name starts with the query, 1 when a later word does;
 * plus the trigram word similarity (0…1); plus 0.5 when it sounds alike. So "Asha" lists every Asha before
 * "Ashanti"'s namesakes, and "Shrama" finds Sharma (similarity 0.29, sounds alike) above Sharman (similarity 0.25).
 */
export const NAME_RANK = `(CASE WHEN ${NAME.prefix} THEN 2 WHEN ${NAME.wordPrefix} THEN 1 ELSE 0 END
  + word_similarity(${FOLDED_NAME}, ${SEARCH_NAME}) + CASE WHEN ${NAME.soundsLike} THEN 0.5 ELSE 0 END)`;

/** Matches `$name`: any of the four ways. */
export const NAME_MATCH = `(${NAME.prefix} OR ${NAME.wordPrefix} OR ${NAME.similar} OR ${NAME.soundsLike})`;

/** Every word `$wN` of the classic `q` search is a substring of the folded name (a word never spans the space). */
export const wordMatch = (bind: string) => `${SEARCH_NAME} LIKE '%' || ${likeEscaped(`clinic_fold($${bind}::text)`)} || '%'`;

/** The phone ends with the digits `$phoneSuffix` holds reversed, followed by `%`. */
export const PHONE_SUFFIX_MATCH = 'reverse(p.phone) LIKE $phoneSuffix::text';

/** The columns of a patient row `p`, shaped like the Patient model's (see toPatientDto). */
export const PATIENT_COLUMNS = `p.id, p.first_name, p.last_name, p.age, p.phone, p.email, p.gender,
  to_char(p.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, ${isoUtc('p.created_at')} AS created_at, ${isoUtc('p.updated_at')} AS updated_at,
  ${isoUtc('p.deactivated_at')} AS deactivated_at, ${isoUtc('p.erased_at')} AS erased_at, p.erased_by`;

/**
 * One page of a search and the total, in one statement (the total is right even past the last page). `where`:
 * conditions on `p`; `order`: the ORDER BY of the page over the matches `k` (id, first_name, last_name, rank);
 * binds `$limit $offset`. Only the matches' ids and sort keys are collected; the page's rows are read after.
 */
export function searchSql(where: string[], order: string, rank = '0'): string {
  return `WITH m AS MATERIALIZED (
       SELECT p.id, p.first_name, p.last_name, ${rank}::float8 AS rank FROM patients p WHERE ${where.length ? where.join(' AND ') : 'true'})
     SELECT t.total, r.* FROM (SELECT count(*)::int AS total FROM m) t
       LEFT JOIN LATERAL (SELECT ${PATIENT_COLUMNS} FROM (SELECT * FROM m k ORDER BY ${order} LIMIT $limit OFFSET $offset) k
                            JOIN patients p ON p.id = k.id ORDER BY ${order}) r ON true`;
}

/** The order of a ranked name search: relevance, then name, then id (a stable order for paging). */
export const RANKED_ORDER = 'k.rank DESC, k.first_name, k.last_name, k.id';
/** The order of every other search: name, then id. */
export const NAME_ORDER = 'k.first_name, k.last_name, k.id';

/**
 * The name search the bench and the EXPLAIN test run: active patients matching `$name`, ranked. The
 * repository builds the same text from the same pieces (with the other filters when given).
 */
export const NAME_SEARCH_SQL = searchSql(['p.deactivated_at IS NULL', NAME_MATCH], RANKED_ORDER, NAME_RANK);
/** Active patients whose phone ends with the digits of `$phoneSuffix` (reversed, then `%`). */
export const PHONE_SUFFIX_SEARCH_SQL = searchSql(['p.deactivated_at IS NULL', PHONE_SUFFIX_MATCH], NAME_ORDER);
/** Active patients with the phone `$phone` (E.164). */
export const PHONE_SEARCH_SQL = searchSql(['p.deactivated_at IS NULL', 'p.phone = $phone'], NAME_ORDER);

/** The bind of a phone-suffix search: the digits reversed, then `%` (they are digits: nothing to escape). */
export const phoneSuffixPattern = (digits: string) => `${[...digits].reverse().join('')}%`;
