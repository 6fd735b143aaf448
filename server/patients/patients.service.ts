import type { CountryCode } from 'libphonenumber-js';
import type { Actor } from '../core/actor';
import { Conflict, Forbidden, NotFound } from '../core/errors';
import { page } from '../core/schemas';
import { normalizePhone } from './phone';
import type { NewPatient, PatientChanges, PatientDto, PatientRepository } from './patients.repository';
import { ageToStore, present } from './patient.rules';

export interface PatientsDeps {
  repo: PatientRepository;
  phoneRegion: CountryCode;
  /** Today, `YYYY-MM-DD`, in the clinic's zone: ages are reckoned on it. */
  today: () => string;
}

const blankToNull = <T>(v: T | '' | undefined): T | null | undefined => (v === '' ? null : v);

/** Patient registration and look-up; the story of each use case, no SQL. */
export function createPatientsService({ repo, phoneRegion, today }: PatientsDeps) {
  const answer = (p: PatientDto) => present(p, today());
  return {
    /**
     * Registers a patient; the phone is normalized to E.164. With a `date_of_birth` the stored age is derived
     * from it (an `age` given too must agree); without one, a given `age` is stored as the age today.
     * @throws BadRequest invalid phone, date of birth after today, age not matching it · Conflict `PATIENT_EXISTS`
     *   (details `{existing_id}`) for the same phone and first name.
     */
    async register(input: NewPatient, actorId: string | null): Promise<PatientDto> {
      const dateOfBirth = input.date_of_birth ?? null;
      const created = await repo.create({
        first_name: input.first_name,
        last_name: blankToNull(input.last_name) ?? null,
        age: ageToStore(dateOfBirth, input.age, today()) ?? null,
        phone: normalizePhone(input.phone, phoneRegion),
        email: blankToNull(input.email) ?? null,
        gender: input.gender ?? null,
        date_of_birth: dateOfBirth,
        created_by: actorId,
      });
      if ('duplicateOf' in created) {
        throw new Conflict('PATIENT_EXISTS', 'A patient with this phone number and first name is already registered', {
          existing_id: created.duplicateOf,
        });
      }
      return answer(created);
    },

    /** @throws NotFound `PATIENT_NOT_FOUND` */
    async get(id: string): Promise<PatientDto> {
      const p = await repo.findById(id);
      if (!p) throw new NotFound('No patient with this id', 'PATIENT_NOT_FOUND');
      return answer(p);
    },

    /**
     * Partial update; `age` and `date_of_birth` follow the rules of {@link register} (an age given alone must
     * agree with a stored date of birth).
     * @throws NotFound · BadRequest invalid phone, date or age · Conflict `PATIENT_EXISTS` · `PATIENT_ERASED`
     */
    async update(id: string, changes: PatientChanges, actorId: string | null): Promise<PatientDto> {
      const clean: PatientChanges = { ...changes, updated_by: actorId };
      if (changes.phone !== undefined) clean.phone = normalizePhone(changes.phone, phoneRegion);
      if (changes.last_name !== undefined) clean.last_name = blankToNull(changes.last_name);
      if (changes.email !== undefined) clean.email = blankToNull(changes.email);
      if (changes.age !== undefined || changes.date_of_birth) {
        const stored = changes.date_of_birth === undefined ? (await repo.findById(id))?.date_of_birth : changes.date_of_birth;
        const age = ageToStore(stored, changes.age, today());
        if (age !== undefined) clean.age = age;
      }
      const updated = await repo.update(id, clean);
      if (!updated) throw new NotFound('No patient with this id', 'PATIENT_NOT_FOUND');
      if (updated === 'erased') throw new Conflict('PATIENT_ERASED', "This patient's personal data was erased; the record cannot change");
      if ('duplicateOf' in updated) {
        throw new Conflict('PATIENT_EXISTS', 'Another patient with this phone number and first name exists', {
          existing_id: updated.duplicateOf,
        });
      }
      return answer(updated);
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

    /**
     * Search by phone (any format; normalized first), phone suffix (its last 4–15 digits), name words (`q`: each a
     * substring of the name) and/or a ranked name search (`name`: prefix, similar spelling or sounding alike, best
     * first; see patient-search.ts); every filter given must hold. Accents and case never matter in names.
     * Paginated; ordered by relevance with `name`, else by name. Deactivated (and erased) patients only with
     * `include_inactive`.
     */
    async search(params: {
      phone?: string;
      phone_suffix?: string;
      q?: string;
      name?: string;
      include_inactive?: boolean;
      limit: number;
      offset: number;
    }) {
      const phone = params.phone ? normalizePhone(params.phone, phoneRegion, 'query.phone') : undefined;
      const { include_inactive, phone_suffix, ...rest } = params;
      const { rows, total } = await repo.search({ ...rest, phone, phoneSuffix: phone_suffix, includeInactive: include_inactive === true });
      return page(rows.map(answer), total, params.limit, params.offset);
    },
  };
}
export type PatientsService = ReturnType<typeof createPatientsService>;
