import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { sqlState, PG } from '../core/db-errors';
import { createSql, isoUtc } from '../core/sql';

/**
 * The clinical history (`patient_history`): append-only. A trigger refuses UPDATE, DELETE and TRUNCATE, except the
 * erasure's blanking of an entry's text, which runs with the transaction-local setting `clinic.erasure = on`.
 */

/** One history entry as the API shows it to clinical readers. */
export interface HistoryEntry {
  /** bigint as a string. */
  id: string;
  patient_id: string;
  symptoms: string | null;
  conditions: string[];
  allergies: string[];
  notes: string | null;
  /** The entry this one corrects (replaces), or null. */
  corrects: string | null;
  /** The entry that corrects this one, or null while it stands. */
  superseded_by: string | null;
  /** Who wrote it: the staff account and its role at the time. */
  author: { id: string | null; role: string | null };
  /** ISO-8601 UTC. */
  recorded_at: string;
  /** ISO-8601 UTC when the patient's data was erased (the text is then gone), else null. */
  erased_at: string | null;
}

/** What an entry is written with. */
export interface NewHistoryEntry {
  patientId: string;
  symptoms: string | null;
  conditions: string[];
  allergies: string[];
  notes: string | null;
  corrects: string | null;
  authorId: string | null;
  authorRole: string | null;
}

const ENTRY_JSON = `jsonb_build_object('id', h.id::text, 'patient_id', h.patient_id, 'symptoms', h.symptoms,
  'conditions', to_jsonb(h.conditions), 'allergies', to_jsonb(h.allergies), 'notes', h.notes, 'corrects', h.corrects::text,
  'superseded_by', (SELECT c.id::text FROM patient_history c WHERE c.corrects = h.id),
  'author', jsonb_build_object('id', h.author_id, 'role', h.author_role),
  'recorded_at', ${isoUtc('h.recorded_at')}, 'erased_at', ${isoUtc('h.erased_at')})`;

/** Standing entries (not corrected by a later one) list an allergy. */
const HAS_ALLERGIES = `EXISTS (SELECT 1 FROM patient_history h WHERE h.patient_id = $patientId AND cardinality(h.allergies) > 0
                        AND NOT EXISTS (SELECT 1 FROM patient_history c WHERE c.corrects = h.id))`;

/** Storage of the clinical history; returns plain objects. */
export function createPatientHistoryRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return {
    /** Appends an entry. @returns `'already_corrected'` when `corrects` names an entry that another correction took meanwhile. */
    async append(e: NewHistoryEntry): Promise<HistoryEntry | 'already_corrected'> {
      try {
        const [row] = await sql.query<{ entry: HistoryEntry }>(
          `WITH h AS (
             INSERT INTO patient_history (patient_id, symptoms, conditions, allergies, notes, corrects, author_id, author_role)
             VALUES ($patientId, $symptoms, $conditions::text[], $allergies::text[], $notes, $corrects::bigint, $authorId, $authorRole)
             RETURNING *)
           SELECT ${ENTRY_JSON} AS entry FROM h`,
          { ...e },
        );
        return row.entry;
      } catch (err) {
        if (sqlState(err) === PG.uniqueViolation) return 'already_corrected';
        throw err;
      }
    },

    /** An entry's patient and whether a correction replaced it; null when there is none. */
    async findEntry(id: string): Promise<{ patient_id: string; superseded: boolean } | null> {
      const [row] = await sql.query<{ patient_id: string; superseded: boolean }>(
        `SELECT h.patient_id, EXISTS (SELECT 1 FROM patient_history c WHERE c.corrects = h.id) AS superseded
           FROM patient_history h WHERE h.id = $id::bigint`,
        { id },
      );
      return row ?? null;
    },

    /** A page of a patient's entries, oldest first, with the total and whether a standing entry lists an allergy. */
    async list(patientId: string, limit: number, offset: number) {
      const entries = await sql.query<{ entry: HistoryEntry }>(
        `SELECT ${ENTRY_JSON} AS entry FROM patient_history h WHERE h.patient_id = $patientId ORDER BY h.id LIMIT $limit OFFSET $offset`,
        { patientId, limit, offset },
      );
      const [facts] = await sql.query<{ total: number; has_allergies: boolean }>(
        `SELECT (SELECT count(*) FROM patient_history WHERE patient_id = $patientId)::int AS total, ${HAS_ALLERGIES} AS has_allergies`,
        { patientId },
      );
      return { entries: entries.map((r) => r.entry), total: facts.total, has_allergies: facts.has_allergies };
    },

    /** Whether a standing entry lists an allergy (all that reception may know). */
    async hasAllergies(patientId: string): Promise<boolean> {
      const [row] = await sql.query<{ has_allergies: boolean }>(`SELECT ${HAS_ALLERGIES} AS has_allergies`, { patientId });
      return row.has_allergies;
    },

    /** Every piece of personal text of a patient's history (for the erasure to look for elsewhere). */
    async personalTexts(patientId: string, t: Transaction): Promise<string[]> {
      const rows = await sql.query<{ v: string }>(
        `SELECT v FROM patient_history h,
                LATERAL unnest(array[h.symptoms, h.notes] || h.conditions || h.allergies) AS v
          WHERE h.patient_id = $patientId AND v IS NOT NULL AND v <> ''`,
        { patientId },
        t,
      );
      return rows.map((r) => r.v);
    },

    /**
     * Blanks the text of every entry of a patient (symptoms, conditions, allergies, notes) and stamps `erased_at`,
     * inside the erasure's transaction: the only UPDATE the append-only trigger lets through. The entries (who wrote
     * when) stay. @returns how many entries were blanked.
     */
    async eraseFor(patientId: string, t: Transaction): Promise<number> {
      await sql.query(`SELECT set_config('clinic.erasure', 'on', true)`, {}, t);
      const n = await sql.exec(
        `UPDATE patient_history SET symptoms = NULL, notes = NULL, conditions = '{}', allergies = '{}', erased_at = now()
          WHERE patient_id = $patientId`,
        { patientId },
        t,
      );
      await sql.query(`SELECT set_config('clinic.erasure', 'off', true)`, {}, t);
      return n;
    },
  };
}
export type PatientHistoryRepository = ReturnType<typeof createPatientHistoryRepository>;
