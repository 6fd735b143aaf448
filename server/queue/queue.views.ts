import { QueryTypes } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { NotFound } from '../core/errors';
import { readPublicSnapshot } from './queue.sql';
import type { PublicQueueSnapshot } from './queue.events';

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A queue entry as staff see it: the public fields plus ids, times and the patient's name. */
const STAFF_ENTRY = `jsonb_build_object('queue_entry_id', e.id, 'appointment_id', e.appointment_id, 'token', e.token, 'position', e.position,
  'status', e.status, 'checked_in_at', ${ISO('e.checked_in_at')}, 'called_at', ${ISO('e.called_at')}, 'served_at', ${ISO('e.served_at')},
  'skipped_at', ${ISO('e.skipped_at')}, 'patient', jsonb_build_object('id', p.id, 'first_name', p.first_name, 'last_name', p.last_name))`;

/**
 * The staff view of a doctor-day's queue, one consistent read:
 * `{doctor_id, date, version, now_serving, waiting: [...] (by position), called: [...], skipped: [...], served_count}`.
 * @throws NotFound `DOCTOR_NOT_FOUND`
 */
export async function staffQueue(sequelize: Sequelize, doctorId: string, date: string) {
  const list = (where: string, order: string) => `coalesce((SELECT jsonb_agg(${STAFF_ENTRY} ORDER BY ${order})
      FROM queue_entries e JOIN appointments a ON a.id = e.appointment_id JOIN patients p ON p.id = a.patient_id
     WHERE e.doctor_id = d.id AND e.date = $date AND ${where}), '[]'::jsonb)`;
  const [row] = await sequelize.query<{ view: Record<string, unknown> & { called: unknown[] } }>(
    `SELECT jsonb_build_object('doctor_id', d.id, 'date', $date::text, 'version', coalesce(c.version, 0),
        'waiting', ${list(`e.status = 'waiting'`, 'e.position')},
        'called', ${list(`e.status = 'called'`, 'e.called_at DESC, e.position DESC')},
        'skipped', ${list(`e.status = 'skipped'`, 'e.position')},
        'served_count', (SELECT count(*) FROM queue_entries e WHERE e.doctor_id = d.id AND e.date = $date AND e.status = 'served')) AS view
       FROM doctors d LEFT JOIN queue_counters c ON c.doctor_id = d.id AND c.date = $date WHERE d.id = $doctorId`,
    { bind: { doctorId, date }, type: QueryTypes.SELECT },
  );
  if (!row) throw new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
  const { called, ...view } = row.view;
  return { ...view, now_serving: called[0] ?? null, called };
}

/** The public (no-PHI) snapshot. @throws NotFound `DOCTOR_NOT_FOUND` */
export async function publicQueue(sequelize: Sequelize, doctorId: string, date: string): Promise<PublicQueueSnapshot> {
  const s = await readPublicSnapshot(sequelize, doctorId, date);
  if (!s) throw new NotFound('No doctor with this id', 'DOCTOR_NOT_FOUND');
  return s;
}

/**
 * Stored `queue:updated` payloads after `sinceVersion`, in version order (at most `limit`), for clients catching up.
 * @returns `{doctor_id, date, version (current), events: [...]}`
 */
export async function queueEventsSince(sequelize: Sequelize, doctorId: string, date: string, sinceVersion: number, limit: number) {
  const events = await sequelize.query<{ payload: Record<string, unknown> }>(
    'SELECT payload FROM queue_events WHERE doctor_id = $doctorId AND date = $date AND version > $since ORDER BY version LIMIT $limit',
    { bind: { doctorId, date, since: sinceVersion, limit }, type: QueryTypes.SELECT },
  );
  const [c] = await sequelize.query<{ version: string }>('SELECT version FROM queue_counters WHERE doctor_id = $doctorId AND date = $date',
    { bind: { doctorId, date }, type: QueryTypes.SELECT });
  return { doctor_id: doctorId, date, version: Number(c?.version ?? 0), events: events.map((e) => e.payload) };
}
