import { Conflict } from '../core/errors';
import { NO_EVENTS, type DomainEvents } from '../core/events';
import { page } from '../core/schemas';
import type { Transactor } from '../core/transaction';
import type { ActorRef } from '../core/actor';
import type { DoctorDayRepository } from '../doctor-days/doctor-day.repository';
import type { PlanChanges } from '../doctor-days/plan-changes';
import { doctorNotFound } from '../doctor-days/doctor-day.rules';
import type { DoctorDto } from './doctor.model';
import type { DoctorFields, DoctorRepository } from './doctors.repository';

/** What the doctors service needs. */
export interface DoctorsDeps {
  repo: DoctorRepository;
  doctorDays: DoctorDayRepository;
  planChanges: PlanChanges;
  tx: Transactor;
  /** Today, `YYYY-MM-DD`, in the clinic's zone. */
  today: () => string;
  /** Where doctor.created / doctor.updated are recorded, in the change's transaction (default: nowhere). */
  events?: DomainEvents;
}

const notFound = doctorNotFound;
const codeTaken = () => new Conflict('DOCTOR_CODE_TAKEN', 'Another doctor already has this code');

/** True when `changes` would change something in `doctor` (arrays compared as sets of values where order means nothing). */
function differs(doctor: DoctorDto, changes: DoctorFields): boolean {
  const norm = (k: string, v: unknown) => (k === 'working_days' && Array.isArray(v) ? [...v].map(Number).sort() : v);
  return Object.entries(changes).some(
    ([k, v]) => v !== undefined && JSON.stringify(norm(k, v)) !== JSON.stringify(norm(k, doctor[k as keyof DoctorDto])),
  );
}

/** The doctor directory and a doctor's settings. */
export function createDoctorsService({ repo, doctorDays, planChanges, tx, today, events = NO_EVENTS }: DoctorsDeps) {
  return {
    /** @throws NotFound `DOCTOR_NOT_FOUND` */
    async get(id: string): Promise<DoctorDto> {
      const d = await repo.findById(id);
      if (!d) throw notFound();
      return d;
    },

    /** @throws Conflict `DOCTOR_CODE_TAKEN` */
    async create(input: DoctorFields & { name: string; code: string }): Promise<DoctorDto> {
      return tx(async (t) => {
        const d = await repo.create(
          { ...input, specialty: input.specialty || null, email: input.email || null, bio: input.bio || null },
          t,
        );
        if (d === 'code_taken') throw codeTaken();
        await events.record('doctor.created', { doctor: d }, t);
        return d;
      });
    },

    /**
     * Changes a doctor. A new `default_daily_capacity`, `working_days` or `consult_minutes` changes the doctor's
     * plan: the days from today on are re-planned under their locks (the doctor row first, the lock order of
     * every writer), and bookings that no longer fit are flagged `needs_reschedule` — all in one transaction.
     * @throws NotFound `DOCTOR_NOT_FOUND` · Conflict `DOCTOR_CODE_TAKEN` · `CAPACITY_BELOW_BOOKED` (details `{dates}`)
     */
    async update(id: string, input: DoctorFields, actor: ActorRef | null = null): Promise<DoctorDto> {
      const changes = { ...input };
      if (changes.specialty === '') changes.specialty = null;
      if (changes.email === '') changes.email = null;
      if (changes.bio === '') changes.bio = null;
      return tx(async (t) => {
        // A day's first booking reads the plan under FOR SHARE of this row, so it waits for this change.
        const before = await repo.findById(id, t, 'no_key_update');
        if (!before) throw notFound();
        // Nothing to write (a PATCH repeating the current values): the row, and its updated_at, stay as they are.
        if (!differs(before, changes)) return before;
        const after = await repo.update(id, changes, t);
        if (after === 'code_taken') throw codeTaken();
        const planChanged =
          after.default_daily_capacity !== before.default_daily_capacity ||
          after.consult_minutes !== before.consult_minutes ||
          after.working_days.join() !== before.working_days.join();
        if (planChanged) {
          const doctor = (await doctorDays.beginPlanChange(id, t))!;
          await planChanges.apply(
            id,
            doctor,
            { from: today(), to: null },
            actor ?? { id: null, type: null, requestId: null },
            {
              reason: 'doctor settings changed',
              data: {},
            },
            t,
          );
        }
        await events.record('doctor.updated', { doctor: after, previous: before }, t);
        return after;
      });
    },

    /** `{data, total, limit, offset}` of doctors, ordered by name. */
    async list(params: { specialty?: string; q?: string; is_active?: boolean; limit: number; offset: number }) {
      const { rows, total } = await repo.list(params);
      return page(rows, total, params.limit, params.offset);
    },
  };
}
export type DoctorsService = ReturnType<typeof createDoctorsService>;
