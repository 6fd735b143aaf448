import type { Migration } from '../server/core/migrator';

/** Booking: per-doctor-day capacity rows, appointments, their audit trail and idempotency keys. */
export const up: Migration = async ({ context: qi }) => {
  await qi.sequelize.transaction(async (transaction) => {
    const q = (sql: string) => qi.sequelize.query(sql, { transaction });
    await q(`
      CREATE TABLE doctor_day_capacity (
        doctor_id uuid NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
        date date NOT NULL,
        capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 500),
        booked_count integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (doctor_id, date),
        CHECK (booked_count >= 0 AND booked_count <= capacity)
      )`);
    await q(`
      CREATE TABLE appointments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id uuid NOT NULL REFERENCES patients(id),
        doctor_id uuid NOT NULL REFERENCES doctors(id),
        date date NOT NULL,
        slot integer NOT NULL CHECK (slot >= 1),
        status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'checked_in', 'completed', 'no_show')),
        is_walk_in boolean NOT NULL DEFAULT false,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Backstops for the locked booking path: one active appointment per slot, one per patient per doctor-day.
    await q(`CREATE UNIQUE INDEX appointments_active_slot_key ON appointments (doctor_id, date, slot) WHERE status <> 'cancelled'`);
    await q(
      `CREATE UNIQUE INDEX appointments_active_patient_key ON appointments (patient_id, doctor_id, date) WHERE status <> 'cancelled'`,
    );
    await q('CREATE INDEX appointments_patient_idx ON appointments (patient_id, date)');
    await q(`
      CREATE TABLE appointment_events (
        id bigserial PRIMARY KEY,
        appointment_id uuid NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
        from_status text,
        to_status text NOT NULL,
        actor_id uuid,
        actor_type text,
        reason text,
        data jsonb,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q('CREATE INDEX appointment_events_appointment_idx ON appointment_events (appointment_id, id)');
    await q(`
      CREATE TABLE idempotency_keys (
        actor_id uuid NOT NULL,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        fingerprint text NOT NULL,
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (actor_id, key)
      )`);
    await q('CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)');
  });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query('DROP TABLE IF EXISTS idempotency_keys, appointment_events, appointments, doctor_day_capacity CASCADE');
};
