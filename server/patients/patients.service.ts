import type { CountryCode } from 'libphonenumber-js';
import type { Actor } from '../core/actor';
import { Conflict, Forbidden, NotFound } from '../core/errors';
import { page } from '../core/schemas';
import { normalizePhone } from './phone';
import type { NewPatient, PatientChanges, PatientDto, PatientRepository } from './patients.repository';

export interface PatientsDeps {
  repo: PatientRepository;
  phoneRegion: CountryCode;
}

const blankToNull = <T>(v: T | '' | undefined): T | null | undefined => (v === '' ? null : v);

/** Patient registration and look-up; the story of each use case, no SQL. */
export function createPatientsService({ repo, phoneRegion }: PatientsDeps) {
  return {
    /**
     * Registers a patient; the phone is normalized to E.164.
     * @throws BadRequest invalid phone · Conflict `PATIENT_EXISTS` (details `{existing_id}`) for the same phone and first name.
     */
    async register(input: NewPatient, actorId: string | null): Promise<PatientDto> {
      const created = await repo.create({
        first_name: input.first_name,
        last_name: blankToNull(input.last_name) ?? null,
        age: input.age ?? null,
        phone: normalizePhone(input.phone, phoneRegion),
        email: blankToNull(input.email) ?? null,
        created_by: actorId,
      });
      if ('duplicateOf' in created) {
        throw new Conflict('PATIENT_EXISTS', 'A patient with this phone number and first name is already registered', {
          existing_id: created.duplicateOf,
        });
      }
      return created;
    },

    /** @throws NotFound `PATIENT_NOT_FOUND` */
    async get(id: string): Promise<PatientDto> {
      const p = await repo.findById(id);
      if (!p) throw new NotFound('No patient with this id', 'PATIENT_NOT_FOUND');
      return p;
    },

    /** Partial update. @throws NotFound · BadRequest invalid phone · Conflict `PATIENT_EXISTS` */
    async update(id: string, changes: PatientChanges, actorId: string | null): Promise<PatientDto> {
      const clean: PatientChanges = { ...changes, updated_by: actorId };
      if (changes.phone !== undefined) clean.phone = normalizePhone(changes.phone, phoneRegion);
      if (changes.last_name !== undefined) clean.last_name = blankToNull(changes.last_name);
      if (changes.email !== undefined) clean.email = blankToNull(changes.email);
      const updated = await repo.update(id, clean);
      if (!updated) throw new NotFound('No patient with this id', 'PATIENT_NOT_FOUND');
      if ('duplicateOf' in updated) {
        throw new Conflict('PATIENT_EXISTS', 'Another patient with this phone number and first name exists', {
          existing_id: updated.duplicateOf,
        });
      }
      return updated;
    },

    /**
     * Doctor scope for reading a patient: a user with role `doctor` may read a patient only when that patient
     * has an appointment with them (on any day, not cancelled); other actors pass.
     * @throws Forbidden `FORBIDDEN_DOCTOR`
     */
    async assertMayRead(actor: Actor | undefined, patientId: string): Promise<void> {
      if (actor?.type !== 'user' || actor.role !== 'doctor') return;
      if (!actor.doctor_id || !(await repo.doctorHasPatient(actor.doctor_id, patientId))) {
        throw new Forbidden('You may only read patients who have an appointment with you', 'FORBIDDEN_DOCTOR');
      }
    },

    /** Search by phone (any format; normalized first) and/or name words; paginated, ordered by name. */
    async search(params: { phone?: string; q?: string; limit: number; offset: number }) {
      const phone = params.phone ? normalizePhone(params.phone, phoneRegion, 'query.phone') : undefined;
      const { rows, total } = await repo.search({ ...params, phone });
      return page(rows, total, params.limit, params.offset);
    },
  };
}
export type PatientsService = ReturnType<typeof createPatientsService>;
