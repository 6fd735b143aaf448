import type { Migration } from '../server/core/migrator';

const DEMO = [
  { name: 'Dr. Asha Rao', code: 'DR_A', specialty: 'General Medicine' },
  { name: 'Dr. Bilal Khan', code: 'DR_B', specialty: 'Paediatrics' },
  { name: 'Dr. Chen Li', code: 'DR_C', specialty: 'Dermatology' },
];

/** A few demo doctors; `ON CONFLICT DO NOTHING` keeps it idempotent even outside umzug's bookkeeping. */
export const up: Migration = async ({ context: qi }) => {
  for (const d of DEMO) {
    await qi.sequelize.query(
      `INSERT INTO doctors (name, code, specialty) VALUES ($name, $code, $specialty) ON CONFLICT (upper(code)) DO NOTHING`,
      { bind: d },
    );
  }
};

export const down: Migration = async ({ context: qi }) => {
  await qi.sequelize.query(
    `DELETE FROM doctors WHERE code = ANY($codes::text[]) AND NOT EXISTS (SELECT 1 FROM doctor_availability a WHERE a.doctor_id = doctors.id)`,
    { bind: { codes: DEMO.map((d) => d.code) } },
  );
};
