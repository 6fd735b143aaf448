import type { Actor } from '../core/actor';
import { Conflict, Unprocessable } from '../core/errors';
import type { PatientsService } from '../patients/patients.service';
import type { HistoryEntry, PatientHistoryRepository } from './patient-history.repository';

/** What the history service needs: its repository and the patients service (existence, the doctor's read rule). */
export interface PatientHistoryDeps {
  repo: PatientHistoryRepository;
  patients: Pick<PatientsService, 'get' | 'assertMayRead'>;
}

/** An entry as written: at least one of the four parts. */
export interface HistoryInput {
  symptoms?: string | null;
  conditions?: string[];
  allergies?: string[];
  notes?: string | null;
  /** The id of an earlier entry of the same patient that this one corrects. */
  corrects?: string | null;
}

/** The clinical view (admin, the patient's doctors): every entry. */
export interface ClinicalHistory {
  patient_id: string;
  view: 'clinical';
  has_allergies: boolean;
  entries: HistoryEntry[];
  total: number;
  limit: number;
  offset: number;
}
/** The minimum necessary (reception): only whether a standing entry lists an allergy; never any text. */
export interface MinimumHistory {
  patient_id: string;
  view: 'minimum';
  has_allergies: boolean;
}

/** Admins and doctors read the clinical history (a doctor only of their patients); everyone else the minimum. */
function isClinician(actor: Actor | undefined): boolean {
  return actor?.type === 'user' && (actor.role === 'admin' || actor.role === 'doctor');
}

/** The clinical history of a patient: append-only entries, each with author and time; corrections are new entries. */
export function createPatientHistoryService({ repo, patients }: PatientHistoryDeps) {
  return {
    /**
     * The doctor scope of the history: a doctor only for a patient who has (had) a non-cancelled appointment with them
     * (the patients module's rule). @throws Forbidden `FORBIDDEN_DOCTOR`
     */
    assertMayAccess: patients.assertMayRead,

    /**
     * Reads a patient's history as the actor may see it: {@link ClinicalHistory} for admins and for doctors who have
     * (had) a non-cancelled appointment with the patient; {@link MinimumHistory} for reception.
     * @throws Forbidden `FORBIDDEN_DOCTOR` (another doctor's patient) · NotFound `PATIENT_NOT_FOUND`
     */
    async read(
      actor: Actor | undefined,
      patientId: string,
      page: { limit: number; offset: number },
    ): Promise<ClinicalHistory | MinimumHistory> {
      await patients.assertMayRead(actor, patientId);
      await patients.get(patientId);
      if (!isClinician(actor)) return { patient_id: patientId, view: 'minimum', has_allergies: await repo.hasAllergies(patientId) };
      const { entries, total, has_allergies } = await repo.list(patientId, page.limit, page.offset);
      return { patient_id: patientId, view: 'clinical', has_allergies, entries, total, ...page };
    },

    /**
     * Appends an entry written by `actor` (an admin, or a doctor of the patient). A correction names the entry it
     * replaces (`corrects`): one of the same patient's, not corrected already; nothing is ever changed in place.
     * @throws Forbidden `FORBIDDEN_DOCTOR` · NotFound `PATIENT_NOT_FOUND` · Conflict `PATIENT_ERASED`, `ENTRY_ALREADY_CORRECTED` ·
     *   Unprocessable `ENTRY_NOT_FOUND`
     */
    async append(actor: Actor & { type: 'user' }, patientId: string, input: HistoryInput): Promise<HistoryEntry> {
      await patients.assertMayRead(actor, patientId);
      const patient = await patients.get(patientId);
      if (patient.erased_at) throw new Conflict('PATIENT_ERASED', "This patient's personal data was erased; no history is kept any more");
      const corrects = input.corrects ?? null;
      const alreadyCorrected = () =>
        new Conflict('ENTRY_ALREADY_CORRECTED', 'That entry was corrected already; correct the newest entry instead');
      if (corrects) {
        const target = await repo.findEntry(corrects);
        if (!target || target.patient_id !== patientId)
          throw new Unprocessable('ENTRY_NOT_FOUND', "No entry with this id in this patient's history");
        if (target.superseded) throw alreadyCorrected();
      }
      const entry = await repo.append({
        patientId,
        symptoms: input.symptoms || null,
        conditions: input.conditions ?? [],
        allergies: input.allergies ?? [],
        notes: input.notes || null,
        corrects,
        authorId: actor.id,
        authorRole: actor.role,
      });
      if (entry === 'already_corrected') throw alreadyCorrected();
      return entry;
    },
  };
}
export type PatientHistoryService = ReturnType<typeof createPatientHistoryService>;
