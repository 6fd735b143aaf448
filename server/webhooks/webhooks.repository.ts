import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSql, isoUtc, statement } from '../core/sql';
import { recordEventCtes } from '../core/event-outbox';

/** A webhook endpoint as listed (never its secret). */
export interface WebhookEndpointDto {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  include_patient_contact: boolean;
  enabled: boolean;
  disabled_at: string | null;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** A delivery claimed for sending: the event, the endpoint's URL and secret, and the attempt number. */
export interface ClaimedDelivery {
  id: string;
  attempt: number;
  contact: Record<string, unknown> | null;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  event_at: string;
  endpoint_id: string;
  url: string;
  secret: string;
}

const ENDPOINT_COLUMNS = `id, url, description, events, include_patient_contact, (disabled_at IS NULL) AS enabled,
  ${isoUtc('disabled_at')} AS disabled_at, disabled_reason, consecutive_failures, created_by,
  ${isoUtc('created_at')} AS created_at, ${isoUtc('updated_at')} AS updated_at`;

/**
 * The outbox write, one round trip inside the change's transaction: the event row (only when some endpoint
 * subscribes to its type — nobody to tell, nothing to keep) and, in the same statement, one delivery per
 * subscribed endpoint (fan-out at write time). The doctor's descriptive fields and the public token are added
 * here from the doctor row; an endpoint with `include_patient_contact` gets the patient's first name and phone
 * on its own delivery row, never in the shared event.
 * Binds: `$type $data $doctorId $slot $patientId` (the last three may be null).
 */
export const RECORD_EVENT_SQL = `WITH ${recordEventCtes({
  type: '$type::text',
  data: '$data::jsonb',
  doctorId: '$doctorId::uuid',
  slot: '$slot::int',
  patientId: '$patientId::uuid',
})}
     SELECT count(*)::int AS events FROM wh_ev`;

const RECORD = statement(RECORD_EVENT_SQL);

/**
 * Claims up to `$limit` due deliveries of enabled endpoints: `FOR UPDATE … SKIP LOCKED`, so concurrent claimers
 * (several instances) take disjoint rows, and in the same statement moves each one's `next_attempt_at` to the end
 * of a lease and counts the attempt. The statement commits on its own: the claim is durable before anything is
 * sent. A sender that dies mid-attempt leaves the lease to expire, and the delivery is claimed again then.
 */
export const CLAIM_DELIVERIES_SQL = `WITH due AS (
       SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.disabled_at IS NULL AND e.deleted_at IS NULL
        ORDER BY d.next_attempt_at LIMIT $limit
        FOR UPDATE OF d SKIP LOCKED)
     UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $leaseSeconds::double precision), updated_at = now()
       FROM due, webhook_events ev, webhook_endpoints e
      WHERE d.id = due.id AND ev.id = d.event_id AND e.id = d.endpoint_id
     RETURNING d.id, d.attempts AS attempt, d.contact, ev.id AS event_id, ev.type, ev.data, ${isoUtc('ev.created_at')} AS event_at,
               e.id AS endpoint_id, e.url, e.secret`;
const CLAIM_DELIVERIES = statement(CLAIM_DELIVERIES_SQL);

/**
 * Retention, one batch: finished deliveries (delivered, or failed for good) whose last change is before `$before`,
 * with their attempts (cascade); oldest first through `webhook_deliveries_finished_idx`. A pending delivery is never
 * touched. Binds: `$before` (timestamptz) `$batch`. `id = ANY(ARRAY(…))`, not `IN (…)`: the batch's ids are read first
 * and deleted through the primary key, whatever the table's size (with `IN`, a small table is hash-joined whole).
 */
export const PRUNE_WEBHOOK_DELIVERIES_SQL = `DELETE FROM webhook_deliveries WHERE id = ANY(ARRAY(
       SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < $before::timestamptz
        ORDER BY updated_at LIMIT $batch::int))`;

/**
 * Retention, one batch: events older than `$before` with no delivery left to a live endpoint (their finished
 * deliveries went first; deliveries to deleted endpoints, never to be sent, go with them by cascade). Binds:
 * `$before` `$batch`.
 */
export const PRUNE_WEBHOOK_EVENTS_SQL = `DELETE FROM webhook_events WHERE id = ANY(ARRAY(
       SELECT ev.id FROM webhook_events ev
        WHERE ev.created_at < $before::timestamptz
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                           WHERE d.event_id = ev.id AND e.deleted_at IS NULL)
        ORDER BY ev.created_at LIMIT $batch::int))`;

/** Storage of webhooks: endpoints, the outbox (`webhook_events`), deliveries and their attempts. */
export function createWebhookRepository(sequelize: Sequelize) {
  const sql = createSql(sequelize);
  return {
    /** See {@link RECORD_EVENT_SQL}; inside the change's transaction. */
    /** Whether a live (not deleted) endpoint subscribes to `type` — the same test the outbox write makes. */
    async subscribed(type: string, t: Transaction): Promise<boolean> {
      const [row] = await sql.query<{ yes: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL AND $type::text = ANY(events)) AS yes',
        { type },
        t,
      );
      return row.yes;
    },

    async record(
      p: { type: string; data: Record<string, unknown>; doctorId: string | null; slot: number | null; patientId: string | null },
      t: Transaction,
    ) {
      await sql.prepared(
        RECORD,
        { type: p.type, data: JSON.stringify(p.data), doctorId: p.doctorId, slot: p.slot, patientId: p.patientId },
        t,
      );
    },

    async createEndpoint(p: {
      url: string;
      description: string | null;
      events: string[];
      secret: string;
      include_patient_contact: boolean;
      created_by: string | null;
    }): Promise<WebhookEndpointDto> {
      const [row] = await sql.query<WebhookEndpointDto>(
        `INSERT INTO webhook_endpoints (url, description, events, secret, include_patient_contact, created_by)
         VALUES ($url, $description, $events::text[], $secret, $include_patient_contact, $created_by) RETURNING ${ENDPOINT_COLUMNS}`,
        { ...p },
      );
      return row;
    },

    async findEndpoint(id: string): Promise<WebhookEndpointDto | null> {
      const [row] = await sql.query<WebhookEndpointDto>(
        `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $id AND deleted_at IS NULL`,
        { id },
      );
      return row ?? null;
    },

    async listEndpoints(p: { limit: number; offset: number }): Promise<{ rows: WebhookEndpointDto[]; total: number }> {
      const rows = await sql.query<WebhookEndpointDto>(
        `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at DESC, id LIMIT $limit OFFSET $offset`,
        p,
      );
      const [c] = await sql.query<{ n: string }>('SELECT count(*) AS n FROM webhook_endpoints WHERE deleted_at IS NULL');
      return { rows, total: Number(c.n) };
    },

    /** Changes an endpoint; `enabled: true` clears the disabled state and the failure count. @returns null when unknown. */
    async updateEndpoint(
      id: string,
      p: { url?: string; description?: string | null; events?: string[]; enabled?: boolean },
    ): Promise<WebhookEndpointDto | null> {
      const [row] = await sql.query<WebhookEndpointDto>(
        `UPDATE webhook_endpoints SET
            url = coalesce($url, url),
            description = CASE WHEN $setDescription THEN $description ELSE description END,
            events = coalesce($events::text[], events),
            disabled_at = CASE WHEN $enabled::boolean IS NULL THEN disabled_at WHEN $enabled THEN NULL ELSE coalesce(disabled_at, now()) END,
            disabled_reason = CASE WHEN $enabled::boolean IS NULL THEN disabled_reason WHEN $enabled THEN NULL
                                   ELSE coalesce(disabled_reason, 'disabled by an admin') END,
            consecutive_failures = CASE WHEN $enabled::boolean THEN 0 ELSE consecutive_failures END,
            updated_at = now()
          WHERE id = $id AND deleted_at IS NULL RETURNING ${ENDPOINT_COLUMNS}`,
        {
          id,
          url: p.url ?? null,
          setDescription: p.description !== undefined,
          description: p.description ?? null,
          events: p.events ?? null,
          enabled: p.enabled ?? null,
        },
      );
      return row ?? null;
    },

    /** Deletes an endpoint (soft: its deliveries stay listed until pruned; none is sent any more). */
    async deleteEndpoint(id: string): Promise<boolean> {
      return (await sql.exec('UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $id AND deleted_at IS NULL', { id })) > 0;
    },

    /** An endpoint's deliveries, newest first, each with its attempts (oldest first). */
    async listDeliveries(p: { endpointId: string; status: string | null; limit: number; offset: number }) {
      const where = `d.endpoint_id = $endpointId AND ($status::text IS NULL OR d.status = $status)`;
      const rows = await sql.query<Record<string, unknown>>(
        `SELECT d.id, d.event_id, ev.type AS event_type, d.status, d.attempts AS attempt_count,
                ${isoUtc('d.next_attempt_at')} AS next_attempt_at, d.last_response_status, d.last_error,
                ${isoUtc('d.delivered_at')} AS delivered_at, ${isoUtc('d.failed_at')} AS failed_at, ${isoUtc('d.created_at')} AS created_at,
                coalesce((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'started_at', ${isoUtc('a.started_at')},
                                   'duration_ms', a.duration_ms, 'response_status', a.response_status, 'error', a.error) ORDER BY a.id)
                            FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]'::jsonb) AS attempts
           FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
          WHERE ${where} ORDER BY d.created_at DESC, d.id LIMIT $limit OFFSET $offset`,
        p,
      );
      const [c] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_deliveries d WHERE ${where}`, {
        endpointId: p.endpointId,
        status: p.status,
      });
      return { rows, total: Number(c.n) };
    },

    /** Makes a delivery due now (again), whatever its state; the give-up clock restarts. @returns false when unknown. */
    async retryDelivery(endpointId: string, deliveryId: string): Promise<boolean> {
      return (
        (await sql.exec(
          `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), failed_at = NULL, retried_at = now(), updated_at = now()
            WHERE id = $deliveryId AND endpoint_id = $endpointId`,
          { endpointId, deliveryId },
        )) > 0
      );
    },

    /** See {@link CLAIM}. */
    async claim(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
      return sql.prepared<ClaimedDelivery>(CLAIM_DELIVERIES, { limit, leaseSeconds });
    },

    /** A delivered attempt: the attempt row, the delivery delivered, the endpoint's failure streak reset — one statement. */
    async delivered(p: { id: string; attempt: number; startedAt: Date; durationMs: number; status: number }): Promise<void> {
      await sql.query(
        `WITH att AS (
           INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, response_status)
           VALUES ($id, $attempt, $startedAt, $durationMs, $status)),
         del AS (
           UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_response_status = $status, last_error = NULL,
                  updated_at = now()
            WHERE id = $id AND status = 'pending' RETURNING endpoint_id)
         UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id IN (SELECT endpoint_id FROM del) AND consecutive_failures <> 0`,
        { ...p, startedAt: p.startedAt.toISOString() },
      );
    },

    /**
     * A failed attempt, one statement: the attempt row; the delivery due again at `retryAt`, or — when its event
     * (or its last manual retry) is older than `giveUpHours` — failed; a failed delivery lengthens the endpoint's
     * streak, which disables it at `disableAfter`. Only the current claim (same attempt number) changes the delivery.
     * @returns whether the delivery was given up on, and whether that disabled its endpoint.
     */
    async attemptFailed(p: {
      id: string;
      attempt: number;
      startedAt: Date;
      durationMs: number;
      status: number | null;
      error: string;
      retryAt: Date;
      giveUpHours: number;
      disableAfter: number;
    }): Promise<{ failed: boolean; disabled: boolean }> {
      const [row] = await sql.query<{ failed: boolean; disabled: boolean }>(
        `WITH att AS (
           INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, response_status, error)
           VALUES ($id, $attempt, $startedAt, $durationMs, $status, $error)),
         del AS (
           UPDATE webhook_deliveries d
              SET status = CASE WHEN coalesce(d.retried_at, d.created_at) < now() - make_interval(secs => $giveUpSeconds::double precision)
                                THEN 'failed' ELSE 'pending' END,
                  failed_at = CASE WHEN coalesce(d.retried_at, d.created_at) < now() - make_interval(secs => $giveUpSeconds::double precision)
                                   THEN now() END,
                  next_attempt_at = $retryAt, last_response_status = $status, last_error = $error, updated_at = now()
            WHERE d.id = $id AND d.status = 'pending' AND d.attempts = $attempt
           RETURNING d.endpoint_id, d.status),
         ep AS (
           UPDATE webhook_endpoints e
              SET consecutive_failures = e.consecutive_failures + 1,
                  disabled_at = CASE WHEN e.consecutive_failures + 1 >= $disableAfter THEN coalesce(e.disabled_at, now()) ELSE e.disabled_at END,
                  disabled_reason = CASE WHEN e.consecutive_failures + 1 >= $disableAfter AND e.disabled_at IS NULL
                                         THEN format('%s consecutive deliveries failed', e.consecutive_failures + 1) ELSE e.disabled_reason END,
                  updated_at = now()
             FROM del WHERE e.id = del.endpoint_id AND del.status = 'failed'
           RETURNING (e.disabled_at IS NOT NULL) AS disabled)
         SELECT coalesce((SELECT status = 'failed' FROM del), false) AS failed, coalesce((SELECT disabled FROM ep), false) AS disabled`,
        {
          id: p.id,
          attempt: p.attempt,
          startedAt: p.startedAt.toISOString(),
          durationMs: p.durationMs,
          status: p.status,
          error: p.error.slice(0, 500),
          retryAt: p.retryAt.toISOString(),
          giveUpSeconds: p.giveUpHours * 3600,
          disableAfter: p.disableAfter,
        },
      );
      return row;
    },

    /** Due deliveries of enabled endpoints and the age of the oldest (seconds), for the metrics. */
    async backlog(): Promise<{ count: number; lagSeconds: number }> {
      const [b] = await sql.query<{ n: string; lag: number | null }>(
        `SELECT count(*) AS n, extract(epoch FROM now() - min(d.created_at)) AS lag
           FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND e.disabled_at IS NULL AND e.deleted_at IS NULL`,
      );
      return { count: Number(b.n), lagSeconds: Number(b.lag ?? 0) };
    },

    /** One batch of {@link PRUNE_WEBHOOK_DELIVERIES_SQL}, its own short transaction. @returns rows deleted. */
    async pruneDeliveries(p: { before: Date; batch: number }): Promise<number> {
      return sql.exec(PRUNE_WEBHOOK_DELIVERIES_SQL, { ...p });
    },

    /** One batch of {@link PRUNE_WEBHOOK_EVENTS_SQL}, its own short transaction. @returns rows deleted. */
    async pruneEvents(p: { before: Date; batch: number }): Promise<number> {
      return sql.exec(PRUNE_WEBHOOK_EVENTS_SQL, { ...p });
    },
  };
}
export type WebhookRepository = ReturnType<typeof createWebhookRepository>;
