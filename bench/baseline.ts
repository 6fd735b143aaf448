import type { PoolClient } from 'pg';
import {
  BOOKING_CONTEXT_SQL,
  CREATE_DOCTOR_DAY_SQL,
  LOCK_DOCTOR_DAY_SQL,
  SHARE_DOCTOR_SQL,
  type BookingContextRow,
} from '../server/doctor-days/doctor-day.repository';
import { candidatesFor, dayViewOf } from '../server/doctor-days/day-view';
import { INSERT_BOOKING_SQL } from '../server/appointments/appointments.repository';
import { keyOwner } from '../server/appointments/idempotency';
import { statement, valuesFor } from '../server/core/sql';

/**
 * The floor the booking API is measured against: the same statements the booking service sends
 * (imported from the doctor-day and appointment repositories, so the two cannot drift), issued with node-postgres — no HTTP, no auth,
 * no ORM. Like the API, the statements under the lock run as named prepared statements.
 */

const CONTEXT = statement(BOOKING_CONTEXT_SQL);
const LOCK = statement(LOCK_DOCTOR_DAY_SQL);
const SHARE = statement(SHARE_DOCTOR_SQL);
const CREATE = statement(CREATE_DOCTOR_DAY_SQL);
const INSERT = statement(INSERT_BOOKING_SQL);

export interface DirectBooking {
  patientId: string;
  doctorId: string;
  date: string;
  actorId: string | null;
}

/**
 * Books like `bookAppointment` without an idempotency key: the unlocked context read (409 when the day is
 * already full), then BEGIN, lock the capacity row (creating it on first use), the one-statement insert, COMMIT.
 * @returns 201 with the appointment JSON, or 409 when nothing was booked (full, or the patient already holds the day).
 */
export async function bookDirect(
  client: PoolClient,
  b: DirectBooking,
): Promise<{ status: 201 | 409; body: Record<string, unknown> | null }> {
  const actorKey = keyOwner(b.actorId);
  const {
    rows: [ctx],
  } = await client.query<BookingContextRow>(CONTEXT.text, valuesFor(CONTEXT, { ...b, actorKey, key: null }));
  if (ctx.cap_booked !== null && ctx.cap_capacity !== null && ctx.cap_booked >= ctx.cap_capacity) return { status: 409, body: null };
  // The same plan work the API does before the lock: the day's candidate slots.
  const candidates = candidatesFor(dayViewOf(ctx, b.date, 'UTC'), {});
  await client.query('BEGIN');
  try {
    const lock = () =>
      client.query<{ capacity: number; booked_count: number }>({ name: LOCK.name, text: LOCK.text, values: valuesFor(LOCK, { ...b }) });
    let {
      rows: [day],
    } = await lock();
    if (!day) {
      await client.query({ name: SHARE.name, text: SHARE.text, values: valuesFor(SHARE, { ...b }) });
      await client.query({ name: CREATE.name, text: CREATE.text, values: valuesFor(CREATE, { ...b }) });
      ({
        rows: [day],
      } = await lock());
    }
    if (!day || day.booked_count >= day.capacity) {
      await client.query('ROLLBACK');
      return { status: 409, body: null };
    }
    const {
      rows: [row],
    } = await client.query<{ body: Record<string, unknown> }>({
      name: INSERT.name,
      text: INSERT.text,
      values: valuesFor(INSERT, {
        ...b,
        ...candidates,
        planVersion: ctx.schedule_version ?? 0,
        capacity: day.capacity,
        isWalkIn: false,
        source: 'desk',
        actorId: b.actorId,
        actorType: b.actorId ? 'user' : null,
        actorKey,
        key: '',
      }),
    });
    if (!row) {
      await client.query('ROLLBACK');
      return { status: 409, body: null };
    }
    await client.query('COMMIT');
    return { status: 201, body: row.body };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
