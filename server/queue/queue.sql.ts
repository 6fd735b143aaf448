import { QueryTypes, type Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { OUTBOX_CHANNEL } from './relay-leader';
import type { PublicQueueEntry, PublicQueueSnapshot, QueueEntryStatus, QueueEventType } from './queue.events';

/**
 * The SQL of the check-in queue. A doctor-day's `queue_counters` row (next_position, version) is the lock
 * every queue change of that day takes (`SELECT … FOR UPDATE`); under it a change updates the entry, bumps
 * `version` by exactly one and writes the outbox row (`queue_events`) — all in the caller's transaction.
 */

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Public JSON of a queue entry row aliased `e`: token, position, status, called_at — nothing personal. */
export const PUBLIC_ENTRY_JSON = `jsonb_build_object('token', e.token, 'position', e.position, 'status', e.status, 'called_at', ${ISO('e.called_at')})`;

/** Locks a doctor-day's queue counter, creating it on first use. @returns its next_position and version. */
export async function lockQueueCounter(sequelize: Sequelize, t: Transaction, doctorId: string, date: string): Promise<{ next_position: number; version: number }> {
  const select = () => sequelize.query<{ next_position: number; version: string }>(
    'SELECT next_position, version FROM queue_counters WHERE doctor_id = $doctorId AND date = $date FOR UPDATE',
    { bind: { doctorId, date }, type: QueryTypes.SELECT, transaction: t },
  );
  let [row] = await select();
  if (!row) {
    await sequelize.query('INSERT INTO queue_counters (doctor_id, date) VALUES ($doctorId, $date) ON CONFLICT (doctor_id, date) DO NOTHING',
      { bind: { doctorId, date }, transaction: t });
    [row] = await select();
  }
  return { next_position: row.next_position, version: Number(row.version) };
}

/**
 * The public snapshot of a doctor-day in ONE statement (so version and entries are one consistent view).
 * Inside a change's transaction it sees that change. @returns null when the doctor does not exist.
 */
export async function readPublicSnapshot(sequelize: Sequelize, doctorId: string, date: string, t?: Transaction): Promise<PublicQueueSnapshot | null> {
  const [row] = await sequelize.query<{ snapshot: PublicQueueSnapshot }>(
    `SELECT jsonb_build_object(
        'doctor_id', d.id, 'date', $date::text, 'doctor_name', d.name, 'doctor_code', d.code,
        'version', coalesce(c.version, 0),
        'now_serving', (SELECT ${PUBLIC_ENTRY_JSON} FROM queue_entries e
                         WHERE e.doctor_id = d.id AND e.date = $date AND e.status = 'called' ORDER BY e.called_at DESC, e.position DESC LIMIT 1),
        'waiting', coalesce((SELECT jsonb_agg(${PUBLIC_ENTRY_JSON} ORDER BY e.position) FROM queue_entries e
                         WHERE e.doctor_id = d.id AND e.date = $date AND e.status = 'waiting'), '[]'::jsonb)) AS snapshot
       FROM doctors d LEFT JOIN queue_counters c ON c.doctor_id = d.id AND c.date = $date
      WHERE d.id = $doctorId`,
    { bind: { doctorId, date }, type: QueryTypes.SELECT, transaction: t },
  );
  return row?.snapshot ?? null;
}

/** Bumps the day's version and writes the outbox row with the public payload; returns the payload. */
export async function recordQueueEvent(
  sequelize: Sequelize, t: Transaction,
  p: { doctorId: string; date: string; version: number; type: QueueEventType; entry: PublicQueueEntry; requestId: string | null; nextPosition?: number },
): Promise<Record<string, unknown>> {
  const snapshot = await readPublicSnapshotAfterBump(sequelize, t, p);
  const payload = { doctor_id: p.doctorId, date: p.date, version: p.version, type: p.type, entry: p.entry, snapshot, at: new Date().toISOString() };
  // pg_notify inside the transaction is delivered on commit: it wakes the relay leader wherever it runs.
  await sequelize.query(
    `WITH ins AS (INSERT INTO queue_events (doctor_id, date, version, type, entry, payload, request_id)
                  VALUES ($doctorId, $date, $version, $type, $entry, $payload, $requestId) RETURNING 1)
     SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM ins`,
    { bind: { doctorId: p.doctorId, date: p.date, version: p.version, type: p.type, entry: JSON.stringify(p.entry), payload: JSON.stringify(payload), requestId: p.requestId }, transaction: t },
  );
  return payload;
}

async function readPublicSnapshotAfterBump(sequelize: Sequelize, t: Transaction, p: { doctorId: string; date: string; version: number; nextPosition?: number }): Promise<PublicQueueSnapshot> {
  await sequelize.query(
    `UPDATE queue_counters SET version = $version, next_position = coalesce($nextPosition::int, next_position), updated_at = now()
      WHERE doctor_id = $doctorId AND date = $date`,
    { bind: { doctorId: p.doctorId, date: p.date, version: p.version, nextPosition: p.nextPosition ?? null }, transaction: t },
  );
  return (await readPublicSnapshot(sequelize, p.doctorId, p.date, t))!;
}

/** A queue entry's facts, for the service's checks. */
export interface QueueEntryRow {
  id: string; appointment_id: string; doctor_id: string; date: string; position: number; token: string; status: QueueEntryStatus;
}

export async function readQueueEntry(sequelize: Sequelize, id: string, t?: Transaction): Promise<QueueEntryRow | null> {
  const [row] = await sequelize.query<QueueEntryRow>(
    `SELECT id, appointment_id, doctor_id, to_char(date, 'YYYY-MM-DD') AS date, position, token, status FROM queue_entries WHERE id = $id`,
    { bind: { id }, type: QueryTypes.SELECT, transaction: t },
  );
  return row ?? null;
}

/** Inserts a queue entry at `position`; returns its id, public JSON and check-in time. */
export async function insertQueueEntry(sequelize: Sequelize, t: Transaction, p: { appointmentId: string; doctorId: string; date: string; position: number; token: string }) {
  const [row] = await sequelize.query<{ id: string; entry: PublicQueueEntry; checked_in_at: string }>(
    `INSERT INTO queue_entries AS e (appointment_id, doctor_id, date, position, token, checked_in_at) VALUES ($appointmentId, $doctorId, $date, $position, $token, clock_timestamp())
     RETURNING e.id, ${PUBLIC_ENTRY_JSON} AS entry, ${ISO('e.checked_in_at')} AS checked_in_at`,
    { bind: { ...p }, type: QueryTypes.SELECT, transaction: t },
  );
  return row;
}

/**
 * Moves an entry from one of `from` to `to`, stamping (with clock_timestamp(): the time under the lock, so
 * stamps follow the order of changes, unlike now(), the transaction's start) the matching time column; `position` moves it (requeue).
 * @returns the entry's public JSON, or null when its status was not in `from`.
 */
export async function updateQueueEntry(sequelize: Sequelize, t: Transaction, p: { id: string; from: QueueEntryStatus[]; to: QueueEntryStatus; stamp: 'called_at' | 'served_at' | 'skipped_at' | null; position?: number }): Promise<PublicQueueEntry | null> {
  const [row] = await sequelize.query<{ entry: PublicQueueEntry }>(
    `UPDATE queue_entries e SET status = $to, updated_at = now()
        ${p.stamp ? `, ${p.stamp} = clock_timestamp()` : ''} ${p.position !== undefined ? ', position = $position' : ''}
      WHERE e.id = $id AND e.status = ANY($from::text[])
      RETURNING ${PUBLIC_ENTRY_JSON} AS entry`,
    { bind: { id: p.id, from: p.from, to: p.to, ...(p.position !== undefined ? { position: p.position } : {}) }, type: QueryTypes.SELECT, transaction: t },
  );
  return row?.entry ?? null;
}

/** The lowest waiting entry of a doctor-day (call it with the counter locked). */
export async function firstWaiting(sequelize: Sequelize, t: Transaction, doctorId: string, date: string): Promise<QueueEntryRow | null> {
  const [row] = await sequelize.query<QueueEntryRow>(
    `SELECT id, appointment_id, doctor_id, to_char(date, 'YYYY-MM-DD') AS date, position, token, status FROM queue_entries
      WHERE doctor_id = $doctorId AND date = $date AND status = 'waiting' ORDER BY position LIMIT 1`,
    { bind: { doctorId, date }, type: QueryTypes.SELECT, transaction: t },
  );
  return row ?? null;
}
