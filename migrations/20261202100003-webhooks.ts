import type { Migration } from '../server/core/migrator';

/**
 * Outgoing webhooks: endpoints, the outbox of domain events (written in the change's own transaction), one
 * delivery per (event, subscribed endpoint) made at write time, every attempt, and the reminders already sent.
 */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        description text,
        events text[] NOT NULL,
        -- the Standard Webhooks signing secret (whsec_…): a symmetric key, so it is kept as it is
        secret text NOT NULL,
        include_patient_contact boolean NOT NULL DEFAULT false,
        -- deliveries in a row that were given up on (reset by any delivered one); at WEBHOOK_DISABLE_AFTER_FAILURES → disabled
        consecutive_failures integer NOT NULL DEFAULT 0,
        disabled_at timestamptz,
        disabled_reason text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q(`
      CREATE TABLE webhook_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL,
        -- ids, times, statuses, token; never patient contact data (that sits on the deliveries that asked for it)
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q('CREATE INDEX webhook_events_created_idx ON webhook_events (created_at)');
    await q(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        -- {first_name, phone} of the patient, only for endpoints created with include_patient_contact
        contact jsonb,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        -- when it is due; while an attempt runs, the end of that attempt's lease (a crashed sender's claim expires)
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_response_status integer,
        last_error text,
        delivered_at timestamptz,
        failed_at timestamptz,
        -- a manual retry restarts the give-up clock from here
        retried_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, endpoint_id)
      )`);
    await q(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q('CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC)');
    await q(`
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        response_status integer,
        error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q('CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id)');
    await q(`
      CREATE TABLE appointment_reminders (
        appointment_id uuid NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
        lead_hours integer NOT NULL CHECK (lead_hours BETWEEN 1 AND 720),
        -- sent: an appointment.reminder event was recorded; skipped: a nearer lead was due at the same time
        outcome text NOT NULL CHECK (outcome IN ('sent', 'skipped')),
        remind_for timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (appointment_id, lead_hours)
      )`);
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query(
    'DROP TABLE IF EXISTS appointment_reminders, webhook_attempts, webhook_deliveries, webhook_events, webhook_endpoints CASCADE',
  );
};
