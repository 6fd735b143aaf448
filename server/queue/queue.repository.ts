import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql, isoUtc } from '../core/sql';
import type { PublicQueueEntry, PublicQueueSnapshot, QueueEntryStatus, QueueUpdatedEvent } from '../live/live.events';
import { OUTBOX_CHANNEL } from './relay-leader';
import { waitingRankSql, type Priority } from './waiting-order';

/**
 * The SQL of the check-in queue. A doctor-day's `queue_counters` row (next_position, version) is the lock
 * every queue change of that day takes (`SELECT … FOR UPDATE`); under it a change updates the entry, bumps
 * `version` by exactly one and writes the outbox row (`queue_events`) — all in the caller's transaction.
 */

/** Public JSON of a queue entry row aliased `e`: token, position, status, called_at — nothing personal. */
export const PUBLIC_ENTRY_JSON = `jsonb_build_object('token', e.token, 'position', e.position, 'status', e.status, 'called_at', ${isoUtc('e.called_at')},
  'room', e.room)`;

/** The waiting entries of the doctor-day `d` with their rank `ahead` (the call order: server/queue/waiting-order.ts). */
const RANKED_WAITING = waitingRankSql({ doctor: 'd.id', streak: 'c.priority_streak' });

/**
 * Minutes per patient for a doctor-day's estimated waits (`d` and `$date` in scope): the median called → served
 * time of the day's served entries once 3 are served, the doctor's `consult_minutes` until then.
 */
const MINUTES_PER_PATIENT = `coalesce((SELECT CASE WHEN count(*) >= 3 THEN percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.served_at - s.called_at) / 60) END
    FROM queue_entries s WHERE s.doctor_id = d.id AND s.date = $date AND s.status = 'served' AND s.called_at IS NOT NULL), d.consult_minutes)`;

/** A queue entry as staff see it: the public fields plus ids, times and the patient's name. */
const STAFF_ENTRY_JSON = `jsonb_build_object('queue_entry_id', e.id, 'appointment_id', e.appointment_id, 'token', e.token, 'position', e.position,
  'status', e.status, 'priority', e.priority, 'queued_at', ${isoUtc('e.queued_at')}, 'transferred_to', e.transferred_to, 'checked_in_at', ${isoUtc('e.checked_in_at')}, 'called_at', ${isoUtc('e.called_at')}, 'served_at', ${isoUtc('e.served_at')},
  'skipped_at', ${isoUtc('e.skipped_at')}, 'patient', jsonb_build_object('id', p.id, 'first_name', p.first_name, 'last_name', p.last_name))`;

/** A queue entry's facts, for the service's checks. */
export interface QueueEntryRow {
  id: string;
  appointment_id: string;
  doctor_id: string;
  date: string;
  position: number;
  token: string;
  status: QueueEntryStatus;
  priority: Priority;
  /** ISO-8601 UTC. */
  checked_in_at: string;
  /** ISO-8601 UTC: what the entry is ordered by within its priority class. */
  queued_at: string;
  appointment_status: string;
  patient_id: string;
}
/** A locked queue counter. */
export interface QueueCounter {
  next_position: number;
  version: number;
  /** Priority calls in a row (waiting-order.ts). */
  priority_streak: number;
}
/** What check-in reads of an appointment (and its doctor's code, for the token). */
export interface CheckInTarget {
  /** The zone of the appointment's site (null: CLINIC_TIMEZONE), where and which room. */
  timezone: string | null;
  site_id: string | null;
  room: string | null;
  id: string;
  patient_id: string;
  doctor_id: string;
  date: string;
  slot: number;
  status: string;
  code: string;
}
/** How an entry moves: from one of `from` to `to`, stamping a time column; `position` moves it (requeue). */
export interface EntryMove {
  id: string;
  from: QueueEntryStatus[];
  to: QueueEntryStatus;
  stamp: 'called_at' | 'served_at' | 'skipped_at' | null;
  /** A new position at the end (requeue): the entry is queued again from now. */
  position?: number;
  /** The entry this one became in another doctor's queue (`to: 'transferred'`). */
  transferredTo?: string;
}

const ENTRY_COLUMNS = `e.id, e.appointment_id, e.doctor_id, to_char(e.date, 'YYYY-MM-DD') AS date, e.position, e.token, e.status, e.priority,
  ${isoUtc('e.checked_in_at')} AS checked_in_at, ${isoUtc('e.queued_at')} AS queued_at,
  (SELECT a.status FROM appointments a WHERE a.id = e.appointment_id) AS appointment_status,
  (SELECT a.patient_id FROM appointments a WHERE a.id = e.appointment_id) AS patient_id`;

/**
 * Deletes one batch of old queue events (retention: they are screen replay, not records), in id order after
 * `$after`: only days before `$before` (a clinic day at least a day back, so no site's today is touched) and only
 * events the relay has published (`published_at` set; an unpublished one is still owed to the screens).
 * Binds: `$before` (date) `$after` (bigint id, 0 to start) `$batch`. Returns `{n, last}`: rows deleted, highest id.
 */
export const PRUNE_QUEUE_EVENTS_SQL = `WITH del AS (
       DELETE FROM queue_events WHERE id IN (
         SELECT id FROM queue_events WHERE id > $after::bigint AND date < $before::date AND published_at IS NOT NULL
          ORDER BY id LIMIT $batch::int)
       RETURNING id)
     SELECT count(*)::int AS n, max(id) AS last FROM del`;

/** The public snapshot of a doctor-day (see `publicSnapshot`). Binds: `$doctorId $date $priorityStreak`. */
export const PUBLIC_SNAPSHOT_SQL = `SELECT jsonb_build_object(
          'doctor_id', d.id, 'date', $date::text, 'doctor_name', d.name, 'doctor_code', d.code,
          'version', coalesce(c.version, 0),
          'now_serving', (SELECT ${PUBLIC_ENTRY_JSON} FROM queue_entries e
                           WHERE e.doctor_id = d.id AND e.date = $date AND e.status = 'called' ORDER BY e.called_at DESC, e.position DESC LIMIT 1),
          'waiting', coalesce((SELECT jsonb_agg(${PUBLIC_ENTRY_JSON} || jsonb_build_object('estimated_wait_minutes',
                                 round((e.ahead + CASE WHEN EXISTS (SELECT 1 FROM queue_entries c WHERE c.doctor_id = d.id AND c.date = $date AND c.status = 'called') THEN 1 ELSE 0 END)
                                       * ${MINUTES_PER_PATIENT})::int) ORDER BY e.ahead)
                           FROM ${RANKED_WAITING} e), '[]'::jsonb)) AS snapshot
         FROM doctors d LEFT JOIN queue_counters c ON c.doctor_id = d.id AND c.date = $date
        WHERE d.id = $doctorId`;

/** Locks a doctor-day's queue counter. Binds: `$doctorId $date`. */
export const LOCK_COUNTER_SQL = `SELECT next_position, version, priority_streak FROM queue_counters WHERE doctor_id = $doctorId AND date = $date FOR UPDATE`;

/** An appointment for check-in (the repository appends `FOR UPDATE` inside a transaction). Binds: `$id`. */
export const CHECK_IN_TARGET_SQL = `SELECT a.id, a.patient_id, a.doctor_id, to_char(a.date, 'YYYY-MM-DD') AS date, a.slot, a.status, a.site_id, a.room,
                (SELECT d.code FROM doctors d WHERE d.id = a.doctor_id) AS code, (SELECT si.timezone FROM sites si WHERE si.id = a.site_id) AS timezone
           FROM appointments a WHERE a.id = $id`;

/** The waiting entry to call next (rank 0). Binds: `$doctorId $date $streak $priorityStreak`. */
export const NEXT_WAITING_SQL = `SELECT ${ENTRY_COLUMNS} FROM ${waitingRankSql({ doctor: '$doctorId', streak: '$streak::int' })} e ORDER BY e.ahead LIMIT 1`;

/** Storage of the queue; returns plain objects. */
export function createQueueRepository(sequelize: Sequelize, opts: { priorityStreak: number } = { priorityStreak: 3 }) {
  const sql = createSql(sequelize);
  const priorityStreak = opts.priorityStreak;

  /**
   * The public snapshot of a doctor-day in ONE statement (so version and entries are one consistent view).
   * Inside a change's transaction it sees that change. @returns null when the doctor does not exist.
   */
  async function publicSnapshot(doctorId: string, date: string, t?: Transaction): Promise<PublicQueueSnapshot | null> {
    const [row] = await sql.query<{ snapshot: PublicQueueSnapshot }>(PUBLIC_SNAPSHOT_SQL, { doctorId, date, priorityStreak }, t);
    return row?.snapshot ?? null;
  }

  return {
    publicSnapshot,

    /** Locks a doctor-day's queue counter, creating it on first use. */
    async lockCounter(doctorId: string, date: string, t: Transaction): Promise<QueueCounter> {
      const select = () =>
        sql.query<{ next_position: number; version: string; priority_streak: number }>(LOCK_COUNTER_SQL, { doctorId, date }, t);
      let [row] = await select();
      if (!row) {
        await sql.exec(
          'INSERT INTO queue_counters (doctor_id, date) VALUES ($doctorId, $date) ON CONFLICT (doctor_id, date) DO NOTHING',
          { doctorId, date },
          t,
        );
        [row] = await select();
      }
      return { next_position: row.next_position, version: Number(row.version), priority_streak: row.priority_streak };
    },

    /** Sets a locked counter's version (and next position and priority streak, when given). */
    async bumpVersion(
      p: { doctorId: string; date: string; version: number; nextPosition?: number; priorityStreak?: number },
      t: Transaction,
    ): Promise<void> {
      await sql.exec(
        `UPDATE queue_counters SET version = $version, next_position = coalesce($nextPosition::int, next_position),
                priority_streak = coalesce($streak::int, priority_streak), updated_at = now()
          WHERE doctor_id = $doctorId AND date = $date`,
        { doctorId: p.doctorId, date: p.date, version: p.version, nextPosition: p.nextPosition ?? null, streak: p.priorityStreak ?? null },
        t,
      );
    },

    /** Writes the outbox row of an event; `pg_notify` in the transaction wakes the relay leader on commit, wherever it runs. */
    async writeOutbox(e: QueueUpdatedEvent, requestId: string | null, t: Transaction): Promise<void> {
      await sql.query(
        `WITH ins AS (INSERT INTO queue_events (doctor_id, date, version, type, entry, payload, request_id)
                      VALUES ($doctorId, $date, $version, $type, $entry, $payload, $requestId) RETURNING 1)
         SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM ins`,
        {
          doctorId: e.doctor_id,
          date: e.date,
          version: e.version,
          type: e.type,
          entry: JSON.stringify(e.entry),
          payload: JSON.stringify(e),
          requestId,
        },
        t,
      );
    },

    async findEntry(id: string, t?: Transaction): Promise<QueueEntryRow | null> {
      const [row] = await sql.query<QueueEntryRow>(`SELECT ${ENTRY_COLUMNS} FROM queue_entries e WHERE e.id = $id`, { id }, t);
      return row ?? null;
    },

    /** The entry of an appointment that is still in the queue (waiting or called), if any. */
    async activeEntryOf(appointmentId: string): Promise<string | null> {
      const [row] = await sql.query<{ id: string }>(
        `SELECT id FROM queue_entries WHERE appointment_id = $appointmentId AND status IN ('waiting', 'called')`,
        { appointmentId },
      );
      return row?.id ?? null;
    },

    /**
     * Reads an appointment for check-in; with `t`, locks its row (`FOR UPDATE`) until commit. No join: under
     * FOR UPDATE, PostgreSQL re-checks only the locked row after a wait, so a joined doctors row would stay
     * the old doctor's and a moved appointment would vanish from the result.
     */
    async checkInTarget(appointmentId: string, t?: Transaction): Promise<CheckInTarget | null> {
      const [row] = await sql.query<CheckInTarget>(`${CHECK_IN_TARGET_SQL}${t ? ' FOR UPDATE' : ''}`, { id: appointmentId }, t);
      return row ?? null;
    },

    /** Inserts a queue entry at `position`; returns its id, public JSON and check-in time. */
    async insertEntry(
      p: {
        appointmentId: string;
        doctorId: string;
        date: string;
        position: number;
        token: string;
        siteId: string | null;
        room: string | null;
        priority: Priority;
        /** ISO-8601: order it as if queued then (a keep-place transfer); null: now. */
        queuedAt: string | null;
      },
      t: Transaction,
    ) {
      const [row] = await sql.query<{ id: string; entry: PublicQueueEntry; checked_in_at: string }>(
        `INSERT INTO queue_entries AS e (appointment_id, doctor_id, date, position, token, checked_in_at, site_id, room, priority, queued_at)
         VALUES ($appointmentId, $doctorId, $date, $position, $token, clock_timestamp(), $siteId, $room, $priority,
                 coalesce($queuedAt::timestamptz, clock_timestamp()))
         RETURNING e.id, ${PUBLIC_ENTRY_JSON} AS entry, ${isoUtc('e.checked_in_at')} AS checked_in_at`,
        { ...p },
        t,
      );
      return row;
    },

    /**
     * Moves an entry (see {@link EntryMove}), stamping with clock_timestamp() — the time under the lock, so
     * stamps follow the order of changes, unlike now(), the transaction's start.
     * @returns the entry's public JSON, or null when its status was not in `from`.
     */
    async moveEntry(p: EntryMove, t: Transaction): Promise<PublicQueueEntry | null> {
      const [row] = await sql.query<{ entry: PublicQueueEntry }>(
        `UPDATE queue_entries e SET status = $to, updated_at = now()
            ${p.stamp ? `, ${p.stamp} = clock_timestamp()` : ''} ${p.position !== undefined ? ', position = $position, queued_at = clock_timestamp()' : ''}
            ${p.transferredTo ? ', transferred_to = $transferredTo' : ''}
            ${p.stamp === 'called_at' ? ', first_called_at = coalesce(first_called_at, clock_timestamp())' : ''}
          WHERE e.id = $id AND e.status = ANY($from::text[])
          RETURNING ${PUBLIC_ENTRY_JSON} AS entry`,
        {
          id: p.id,
          from: p.from,
          to: p.to,
          ...(p.position !== undefined ? { position: p.position } : {}),
          ...(p.transferredTo ? { transferredTo: p.transferredTo } : {}),
        },
        t,
      );
      return row?.entry ?? null;
    },

    /**
     * The waiting entry to call next (rank 0 of waiting-order.ts, with the locked counter's `streak`); call it with
     * the counter locked.
     */
    async nextWaiting(doctorId: string, date: string, streak: number, t: Transaction): Promise<QueueEntryRow | null> {
      const [row] = await sql.query<QueueEntryRow>(NEXT_WAITING_SQL, { doctorId, date, streak, priorityStreak }, t);
      return row ?? null;
    },

    /** The waiting entries of a doctor-day with their rank, in call order (for the rule's agreement test). */
    async rankedWaiting(doctorId: string, date: string) {
      return sql.query<{ id: string; priority: Priority; i: number; ahead: number }>(
        `SELECT e.id, e.priority, e.i, e.ahead FROM ${waitingRankSql({
          doctor: '$doctorId',
          streak: '(SELECT priority_streak FROM queue_counters WHERE doctor_id = $doctorId AND date = $date)',
        })} e ORDER BY e.ahead`,
        { doctorId, date, priorityStreak },
      );
    },

    /**
     * Sets a waiting or called entry's priority. @returns its public JSON and the priority before, or null when
     * the entry is neither waiting nor called.
     */
    async setPriority(id: string, priority: Priority, t: Transaction): Promise<{ entry: PublicQueueEntry; before: Priority } | null> {
      const [row] = await sql.query<{ entry: PublicQueueEntry; before: Priority }>(
        `UPDATE queue_entries e SET priority = $priority, updated_at = now()
           FROM (SELECT id, priority FROM queue_entries WHERE id = $id) old
          WHERE e.id = old.id AND e.status IN ('waiting', 'called')
          RETURNING ${PUBLIC_ENTRY_JSON} AS entry, old.priority AS before`,
        { id, priority },
        t,
      );
      return row ?? null;
    },

    /** The patient's appointment with `doctorId` on `date` that is booked or checked in, if any. */
    async appointmentOf(patientId: string, doctorId: string, date: string, t: Transaction): Promise<{ id: string; status: string } | null> {
      const [row] = await sql.query<{ id: string; status: string }>(
        `SELECT id, status FROM appointments
          WHERE patient_id = $patientId AND doctor_id = $doctorId AND date = $date AND status IN ('booked', 'checked_in')
          ORDER BY created_at LIMIT 1`,
        { patientId, doctorId, date },
        t,
      );
      return row ?? null;
    },

    /**
     * The staff view of a doctor-day's queue, one consistent read:
     * `{doctor_id, date, version, waiting, called, skipped, served_count}`; null when the doctor does not exist.
     */
    async staffView(doctorId: string, date: string) {
      const list = (
        where: string,
        order: string,
        from = 'queue_entries',
      ) => `coalesce((SELECT jsonb_agg(${STAFF_ENTRY_JSON} ORDER BY ${order})
          FROM ${from} e JOIN appointments a ON a.id = e.appointment_id JOIN patients p ON p.id = a.patient_id
         WHERE e.doctor_id = d.id AND e.date = $date AND ${where}), '[]'::jsonb)`;
      const [row] = await sql.query<{ view: Record<string, unknown> & { called: unknown[] } }>(
        `SELECT jsonb_build_object('doctor_id', d.id, 'date', $date::text, 'version', coalesce(c.version, 0),
            'waiting', ${list(`e.status = 'waiting'`, 'e.ahead', RANKED_WAITING)},
            'called', ${list(`e.status = 'called'`, 'e.called_at DESC, e.position DESC')},
            'skipped', ${list(`e.status = 'skipped'`, 'e.position')},
            'served_count', (SELECT count(*) FROM queue_entries e WHERE e.doctor_id = d.id AND e.date = $date AND e.status = 'served')) AS view
           FROM doctors d LEFT JOIN queue_counters c ON c.doctor_id = d.id AND c.date = $date WHERE d.id = $doctorId`,
        { doctorId, date, priorityStreak },
      );
      return row?.view ?? null;
    },

    /** Stored `queue:updated` payloads after `sinceVersion`, in version order, and the day's current version. */
    async eventsSince(doctorId: string, date: string, sinceVersion: number, limit: number) {
      const events = await sql.query<{ payload: QueueUpdatedEvent }>(
        'SELECT payload FROM queue_events WHERE doctor_id = $doctorId AND date = $date AND version > $since ORDER BY version LIMIT $limit',
        { doctorId, date, since: sinceVersion, limit },
      );
      const [c] = await sql.query<{ version: string }>('SELECT version FROM queue_counters WHERE doctor_id = $doctorId AND date = $date', {
        doctorId,
        date,
      });
      return { version: Number(c?.version ?? 0), events: events.map((e) => e.payload) };
    },

    /** The versions of the given doctor-days (0 when a day has no queue yet), for heartbeats. */
    async versions(days: Array<{ doctor_id: string; date: string }>) {
      return sql.query<{ doctor_id: string; date: string; version: string }>(
        `SELECT k.doctor_id, k.date::text AS date, coalesce(c.version, 0) AS version
           FROM jsonb_to_recordset($keys::jsonb) AS k(doctor_id uuid, date date)
           LEFT JOIN queue_counters c ON c.doctor_id = k.doctor_id AND c.date = k.date`,
        { keys: JSON.stringify(days) },
      );
    },

    /** The oldest unpublished outbox events, in id order (no lock is held while they are sent). */
    async pendingEvents(limit: number) {
      return sql.query<{ id: string; payload: QueueUpdatedEvent; request_id: string | null; waited_ms: number }>(
        `SELECT id, payload, request_id, extract(epoch FROM now() - created_at) * 1000 AS waited_ms
           FROM queue_events WHERE published_at IS NULL ORDER BY id LIMIT $limit`,
        { limit },
      );
    },

    async markPublished(ids: string[]): Promise<void> {
      await sql.exec('UPDATE queue_events SET published_at = now() WHERE id = ANY($ids::bigint[])', { ids });
    },

    /** One batch of {@link PRUNE_QUEUE_EVENTS_SQL}, its own short transaction. @returns rows deleted and the last id (the next `after`). */
    async pruneEvents(p: { before: string; after: string; batch: number }): Promise<{ n: number; last: string | null }> {
      const [row] = await sql.query<{ n: number; last: string | null }>(PRUNE_QUEUE_EVENTS_SQL, { ...p });
      return row;
    },

    /** Unpublished events and the age of the oldest (seconds, 0 when none). */
    async backlog(): Promise<{ count: number; lagSeconds: number }> {
      const [b] = await sql.query<{ n: string; lag: number | null }>(
        'SELECT count(*) AS n, extract(epoch FROM now() - min(created_at)) AS lag FROM queue_events WHERE published_at IS NULL',
      );
      return { count: Number(b.n), lagSeconds: Number(b.lag ?? 0) };
    },
  };
}
export type QueueRepository = ReturnType<typeof createQueueRepository>;
