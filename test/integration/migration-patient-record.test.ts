import { expect } from 'chai';
import { migrationScratch } from '../support/scratch-db';

const MINE = '20261202100001-patient-record.js';

describe('migration 20261202100001-patient-record on a database holding the previous version’s data', () => {
  const h = migrationScratch();
  const q = h.q;
  const columns = async (table: string) =>
    (await q<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = :table`, { table })).map(
      (r) => r.column_name,
    );

  it('when migrated up over old rows and down again, then the old rows survive both ways and the new columns default sensibly', async () => {
    const umzug = await h.upToBefore(MINE); // whichever migration precedes this one (others may land in between)
    expect((await umzug.executed()).map((m) => m.name)).not.to.include(MINE);

    // Rows written the old way (the columns of the previous version only).
    const [patient] = await q<{ id: string }>(
      `INSERT INTO patients (first_name, last_name, age, phone) VALUES ('Old', 'Timer', 70, '+919800000001') RETURNING id`,
    );
    const [doctor] = await q<{ id: string }>(`INSERT INTO doctors (name, code) VALUES ('Dr. Old', 'OLD') RETURNING id`);
    const [appt] = await q<{ id: string }>(
      `INSERT INTO appointments (patient_id, doctor_id, date, slot, status) VALUES (:p, :d, current_date, 1, 'completed') RETURNING id`,
      { p: patient.id, d: doctor.id },
    );
    await q(
      `INSERT INTO queue_entries (appointment_id, doctor_id, date, position, token, status, checked_in_at, called_at, served_at)
       VALUES (:a, :d, current_date, 1, 'OLD-001', 'served', now() - interval '30 minutes', now() - interval '10 minutes', now()) RETURNING id`,
      { a: appt.id, d: doctor.id },
    );

    await umzug.up();
    expect((await umzug.executed()).map((m) => m.name)).to.include(MINE);
    const [p] = await q<Record<string, unknown>>('SELECT * FROM patients WHERE id = :id', { id: patient.id });
    expect(p).to.include({ first_name: 'Old', last_name: 'Timer', age: 70, phone: '+919800000001', gender: null, date_of_birth: null });
    expect(p).to.include({ deactivated_at: null, erased_at: null, erased_by: null });
    const [e] = await q<{ same: boolean }>('SELECT first_called_at = called_at AS same FROM queue_entries WHERE appointment_id = :a', {
      a: appt.id,
    });
    expect(e.same).to.equal(true);
    const bad = await q(`UPDATE patients SET gender = 'F' WHERE id = :id`, { id: patient.id }).catch((err: Error) => err);
    expect(bad).to.be.instanceOf(Error);
    await q(`INSERT INTO patient_history (patient_id, notes) VALUES (:p, 'written after the migration')`, { p: patient.id });
    const refused = await q(`DELETE FROM patient_history`).catch((err: Error) => err);
    expect((refused as Error).message).to.match(/append-only/);

    await umzug.down({ to: MINE });
    expect((await umzug.executed()).map((m) => m.name)).not.to.include(MINE);
    expect(await columns('patients')).not.to.include.members(['gender']);
    expect(await columns('patients')).to.not.include('date_of_birth');
    expect(await columns('queue_entries')).to.not.include('first_called_at');
    expect(await columns('patient_history')).to.deep.equal([]);
    const [after] = await q<Record<string, unknown>>('SELECT first_name, age FROM patients WHERE id = :id', { id: patient.id });
    expect(after).to.deep.equal({ first_name: 'Old', age: 70 });
    const [n] = await q<{ n: number }>('SELECT count(*)::int AS n FROM queue_entries');
    expect(n.n).to.equal(1);

    await umzug.up(); // and up once more over the same rows
    expect(await columns('patients')).to.include.members(['gender', 'date_of_birth', 'deactivated_at', 'erased_at', 'erased_by']);
  });
});
