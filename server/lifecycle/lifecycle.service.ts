import type { ActorRef } from '../core/actor';
import { Conflict, NotFound } from '../core/errors';
import type { Transactor } from '../core/transaction';
import type { DoctorDayRepository } from '../doctor-days/doctor-day.repository';
import type { DoctorDto } from '../doctors/doctor.model';
import type { DoctorRepository } from '../doctors/doctors.repository';
import type { PatientDto, PatientRepository } from '../patients/patients.repository';
import type { PatientsService } from '../patients/patients.service';
import type { PatientHistoryRepository } from '../patient-history/patient-history.repository';
import type { LifecycleRepository } from './lifecycle.repository';
import { assertNoUpcoming, UPCOMING_LIST_LIMIT } from './lifecycle.rules';

/** What deactivation and erasure need. */
export interface LifecycleDeps {
  tx: Transactor;
  /** Today, `YYYY-MM-DD`, in the clinic's zone: appointments on it or later are upcoming. */
  today: () => string;
  repo: LifecycleRepository;
  doctors: DoctorRepository;
  doctorDays: DoctorDayRepository;
  patients: PatientRepository;
  /** Answers a patient as the API shows them (derived age). */
  patientsService: Pick<PatientsService, 'get'>;
  history: PatientHistoryRepository;
}

/** What an erasure did: who and when, what it blanked, what it kept. */
export interface ErasureResult {
  patient_id: string;
  erased_at: string;
  erased_by: string | null;
  /** True when the patient had been erased before (nothing was done now). */
  already_erased: boolean;
  scrubbed: { history_entries: number; appointment_events: number; idempotency_keys: number };
  kept: { appointments: number };
}

const doctorNotFound = () => new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
const patientNotFound = () => new NotFound('No patient with this id', 'PATIENT_NOT_FOUND');

/**
 * Deactivation, reactivation and erasure of doctors and patients. Each runs in one transaction that first locks the
 * row a concurrent booking would need, so "no upcoming appointment" stays true until commit:
 * - a doctor: the doctor row `FOR NO KEY UPDATE` (a day's first booking reads it `FOR SHARE`), then the doctor's
 *   capacity rows from today (every other booking holds one) — the lock order of every writer;
 * - a patient: the patient row `FOR UPDATE` (the booking statement reads it `FOR KEY SHARE` and re-checks it).
 */
export function createLifecycleService(d: LifecycleDeps) {
  return {
    /**
     * Deactivates a doctor (no new bookings) unless an active appointment is today or later. Idempotent.
     * @throws NotFound `DOCTOR_NOT_FOUND` · Conflict `HAS_UPCOMING_APPOINTMENTS`
     */
    async deactivateDoctor(id: string): Promise<DoctorDto> {
      return d.tx(async (t) => {
        const doctor = await d.doctors.findById(id, t, 'no_key_update');
        if (!doctor) throw doctorNotFound();
        const today = d.today();
        await d.doctorDays.lockDays(id, today, null, t);
        assertNoUpcoming('The doctor', await d.repo.upcoming({ doctorId: id }, today, UPCOMING_LIST_LIMIT, t));
        if (!doctor.is_active) return doctor;
        return (await d.doctors.update(id, { is_active: false }, t)) as DoctorDto;
      });
    },

    /** Makes a doctor bookable again. Idempotent. @throws NotFound `DOCTOR_NOT_FOUND` */
    async reactivateDoctor(id: string): Promise<DoctorDto> {
      return d.tx(async (t) => {
        const doctor = await d.doctors.findById(id, t, 'no_key_update');
        if (!doctor) throw doctorNotFound();
        if (doctor.is_active) return doctor;
        return (await d.doctors.update(id, { is_active: true }, t)) as DoctorDto;
      });
    },

    /**
     * Deactivates a patient (not bookable, left out of searches by default) unless an active appointment is today or
     * later. Idempotent. @throws NotFound `PATIENT_NOT_FOUND` · Conflict `HAS_UPCOMING_APPOINTMENTS`
     */
    async deactivatePatient(id: string, actor: ActorRef): Promise<PatientDto> {
      await d.tx(async (t) => {
        const p = await d.patients.lockForChange(id, t);
        if (!p) throw patientNotFound();
        assertNoUpcoming('The patient', await d.repo.upcoming({ patientId: id }, d.today(), UPCOMING_LIST_LIMIT, t));
        if (!p.deactivated_at) await d.patients.setDeactivated(id, true, actor.id, t);
      });
      return d.patientsService.get(id);
    },

    /** Makes a patient bookable again. Idempotent. @throws NotFound `PATIENT_NOT_FOUND` · Conflict `PATIENT_ERASED` */
    async reactivatePatient(id: string, actor: ActorRef): Promise<PatientDto> {
      await d.tx(async (t) => {
        const p = await d.patients.lockForChange(id, t);
        if (!p) throw patientNotFound();
        if (p.erased_at) throw new Conflict('PATIENT_ERASED', "This patient's personal data was erased; the record stays inactive");
        if (p.deactivated_at) await d.patients.setDeactivated(id, false, actor.id, t);
      });
      return d.patientsService.get(id);
    },

    /**
     * Erases a patient's personal data on request, in one transaction: the patient's fields become nothing or a fixed
     * placeholder, the history entries lose their text, the appointment audit trail loses its free text, stored
     * idempotent answers about the patient are dropped; the patient is deactivated and `erased_at`/`erased_by` are
     * recorded. Appointment rows (days, slots, statuses, times) and queue entries stay, so statistics still add up.
     * Idempotent: a second call answers the first erasure.
     * @throws NotFound `PATIENT_NOT_FOUND` · Conflict `HAS_UPCOMING_APPOINTMENTS`
     */
    async erasePatient(id: string, actor: ActorRef): Promise<ErasureResult> {
      return d.tx(async (t) => {
        const p = await d.patients.lockForChange(id, t);
        if (!p) throw patientNotFound();
        const kept = { appointments: await d.repo.appointmentCount(id, t) };
        if (p.erased_at) {
          return {
            patient_id: id,
            erased_at: p.erased_at,
            erased_by: p.erased_by,
            already_erased: true,
            scrubbed: { history_entries: 0, appointment_events: 0, idempotency_keys: 0 },
            kept,
          };
        }
        assertNoUpcoming('The patient', await d.repo.upcoming({ patientId: id }, d.today(), UPCOMING_LIST_LIMIT, t));
        const values = [
          p.first_name,
          p.last_name,
          p.phone,
          p.phone.replace(/^\+\d{1,3}/, ''),
          p.email,
          ...(await d.history.personalTexts(id, t)),
        ];
        const present = values.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
        const historyEntries = await d.history.eraseFor(id, t);
        const events = await d.repo.scrubAppointmentEvents(id, present, t);
        const keys = await d.repo.dropIdempotencyKeys(id, t);
        const erased = await d.patients.erase(id, actor.id, t);
        return {
          patient_id: id,
          erased_at: erased.erased_at!,
          erased_by: actor.id,
          already_erased: false,
          scrubbed: { history_entries: historyEntries, appointment_events: events, idempotency_keys: keys },
          kept,
        };
      });
    },
  };
}
export type LifecycleService = ReturnType<typeof createLifecycleService>;
