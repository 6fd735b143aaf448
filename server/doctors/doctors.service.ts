import { Conflict, NotFound } from '../core/errors';
import { NO_EVENTS, type DomainEvents } from '../core/events';
import { page } from '../core/schemas';
import type { Transactor } from '../core/transaction';
import type { DoctorDayRepository } from '../doctor-days/doctor-day.repository';
import type { DoctorDto } from './doctor.model';
import type { DoctorFields, DoctorRepository } from './doctors.repository';

/** What the doctors service needs. */
export interface DoctorsDeps {
  repo: DoctorRepository;
  doctorDays: DoctorDayRepository;
  tx: Transactor;
  /** Today, `YYYY-MM-DD`, in the clinic's zone. */
  today: () => string;
  /** Where doctor.created / doctor.updated are recorded, in the change's transaction (default: nowhere). */
  events?: DomainEvents;
}

const notFound = () => new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
const codeTaken = () => new Conflict('DOCTOR_CODE_TAKEN', 'Another doctor already has this code');

/** The doctor directory and a doctor's settings. */
export function createDoctorsService({ repo, doctorDays, tx, today, events = NO_EVENTS }: DoctorsDeps) {
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
        const d = await repo.create({ ...input, specialty: input.specialty || null }, t);
        if (d === 'code_taken') throw codeTaken();
        await events.record('doctor.created', { doctor: d }, t);
        return d;
      });
    },

    /**
     * Changes a doctor. A new `default_daily_capacity` also applies, by the doctor-day rule, to the capacity
     * rows of days from today on (a day gets its row at its first booking or availability change), under
     * their row locks, in one transaction; the doctor row is locked first (the lock order of every writer).
     * @throws NotFound `DOCTOR_NOT_FOUND` · Conflict `DOCTOR_CODE_TAKEN` · `CAPACITY_BELOW_BOOKED` (details `{dates}`)
     */
    async update(id: string, input: DoctorFields): Promise<DoctorDto> {
      const changes = { ...input };
      if (changes.specialty === '') changes.specialty = null;
      return tx(async (t) => {
        // A day's first booking reads the default under FOR SHARE of this row, so it waits for this change.
        const before = await repo.findById(id, t, 'no_key_update');
        if (!before) throw notFound();
        const after = await repo.update(id, changes, t);
        if (after === 'code_taken') throw codeTaken();
        if (after.default_daily_capacity !== before.default_daily_capacity) {
          const days = (await doctorDays.lockDaysFrom(id, today(), t)).filter((d) => d.planned_capacity !== d.capacity);
          const over = days.filter((d) => d.booked_count > d.planned_capacity).map((d) => d.date);
          if (over.length)
            throw new Conflict('CAPACITY_BELOW_BOOKED', 'Some days already have more bookings than this capacity', { dates: over });
          for (const d of days) await doctorDays.setCapacity(id, d.date, d.planned_capacity, t);
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
