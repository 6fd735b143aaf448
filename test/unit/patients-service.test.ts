import { expect } from 'chai';
import { createPatientsService } from '../../server/patients/patients.service';
import type { PatientDto, PatientRepository } from '../../server/patients/patients.repository';
import { AppError } from '../../server/core/errors';

/** An in-memory repository with the same duplicate rule as the database's unique index. */
function fakeRepo(): PatientRepository & { rows: PatientDto[] } {
  const rows: PatientDto[] = [];
  const key = (phone: string, first: string) => `${phone}|${first.toLowerCase()}`;
  return {
    rows,
    async create(p) {
      const dup = rows.find((r) => key(r.phone, r.first_name) === key(p.phone, p.first_name));
      if (dup) return { duplicateOf: dup.id };
      const now = new Date().toISOString();
      const row = {
        id: `id${rows.length + 1}`,
        first_name: p.first_name,
        last_name: p.last_name ?? null,
        age: p.age ?? null,
        phone: p.phone,
        email: p.email ?? null,
        created_at: now,
        updated_at: now,
      };
      rows.push(row);
      return row;
    },
    async findById(id) {
      return rows.find((r) => r.id === id) ?? null;
    },
    async findByPhoneAndFirstName(phone, first) {
      return rows.find((r) => key(r.phone, r.first_name) === key(phone, first)) ?? null;
    },
    async update() {
      return null;
    },
    async search({ phone }) {
      const m = rows.filter((r) => !phone || r.phone === phone);
      return { rows: m, total: m.length };
    },
    async doctorHasPatient() {
      return false;
    },
  };
}

describe('patients service', () => {
  it('when a number has no country code, then it is read in the default region and stored as E.164', async () => {
    const repo = fakeRepo();
    const p = await createPatientsService({ repo, phoneRegion: 'IN' }).register({ first_name: 'Asha', phone: '098123 45678' }, null);
    expect(p.phone).to.equal('+919812345678');
  });

  it('when the same person registers twice, then PATIENT_EXISTS carries the first id', async () => {
    const svc = createPatientsService({ repo: fakeRepo(), phoneRegion: 'IN' });
    const first = await svc.register({ first_name: 'Asha', phone: '9812345678' }, null);
    const err = await svc.register({ first_name: 'ASHA', phone: '+91 98123 45678' }, null).catch((e) => e);
    expect(err).to.be.instanceOf(AppError);
    expect(err).to.include({ status: 409, code: 'PATIENT_EXISTS' });
    expect(err.details).to.deep.equal({ existing_id: first.id });
  });

  it('when a search phone is written locally, then it is normalized before matching', async () => {
    const svc = createPatientsService({ repo: fakeRepo(), phoneRegion: 'IN' });
    await svc.register({ first_name: 'Asha', phone: '+919812345678' }, null);
    const res = await svc.search({ phone: '98123-45678', limit: 10, offset: 0 });
    expect(res.total).to.equal(1);
  });
});
