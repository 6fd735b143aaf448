import { expect } from 'chai';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildPatient, phoneNumber } from '../support/factories';

/** Letters only (names are matched by letters and sound): a tag that keeps this file's names apart from other tests'. */
const letters = (n: number) =>
  Array.from({ length: n }, () => 'bcdfghjklmnpqrstvwxz'[Math.floor(Math.random() * 20)]).join('') +
  ['a', 'e', 'o', 'u'][Math.floor(Math.random() * 4)];

describe('patient search at scale: ranked names, accents, phone suffix, pages', () => {
  let t: TestApp;
  let desk: Agent;
  const register = async (first: string, last: string | null, phone = phoneNumber()) =>
    (
      await desk
        .post('/api/v1/patients')
        .send(buildPatient({ first_name: first, last_name: last, phone }))
        .expect(201)
    ).body as {
      id: string;
      phone: string;
    };
  const names = async (query: Record<string, unknown>) => {
    const res = await desk.get('/api/v1/patients').query(query).expect(200);
    return { total: res.body.total as number, rows: res.body.data as Array<{ id: string; first_name: string; last_name: string }> };
  };
  before(async () => {
    t = await startTestApp();
    desk = await t.as('reception');
  });
  after(async () => {
    await t.stop();
  });

  it('when a name is misspelt, then the patient it meant comes first, ahead of similar names', async () => {
    const target = await register('Yashoda', 'Raghunathan');
    const near = await register('Yashoda', 'Ranganathan');
    await register('Yashodhara', 'Rao');
    const { rows } = await names({ name: 'Yashoda Ragunathan' });
    expect(rows[0].id).to.equal(target.id);
    expect(rows.map((r) => r.id)).to.include(near.id);

    // Sounds alike though spelled apart (Double Metaphone): transposed and swapped letters.
    const sharma = await register('Priyanka', 'Sharma');
    await register('Priyanka', 'Sharman');
    expect((await names({ name: 'Priyanka Shrama' })).rows[0].id).to.equal(sharma.id);
    const m = await register('Mohammed', 'Quraishi');
    expect((await names({ name: 'Muhamad Qureshi' })).rows[0].id).to.equal(m.id);
  });

  it('when a name is typed without accents or in another case, then it matches; prefixes of any word match', async () => {
    const tag = letters(6);
    const jose = await register('José', `Núñez${tag}`);
    for (const name of [`jose nunez${tag}`, `JOSÉ NÚÑEZ${tag}`, `nunez${tag}`, `jo`, `núñez${tag.slice(0, 3)}`])
      expect((await names({ name })).rows.map((r) => r.id)).to.include(jose.id, name);
    // The classic word search (q) ignores accents too now, and keeps its order by name.
    expect((await names({ q: `nunez${tag}` })).rows.map((r) => r.id)).to.deep.equal([jose.id]);
    expect((await names({ q: `JOSE NÚÑEZ${tag}` })).rows.map((r) => r.id)).to.deep.equal([jose.id]);
  });

  it('when searching by the last digits of a phone, then the patients with that ending come back; too few digits is 400', async () => {
    const p = await register('Suffix', `Caller${letters(4)}`);
    const digits = p.phone.slice(-7);
    const { rows, total } = await names({ phone_suffix: `${digits.slice(0, 3)} ${digits.slice(3)}` });
    expect(rows.map((r) => r.id)).to.include(p.id);
    expect(total).to.be.at.least(1);
    for (const r of rows) expect((await desk.get(`/api/v1/patients/${r.id}`).expect(200)).body.phone.endsWith(digits)).to.equal(true);
    const bad = await desk.get('/api/v1/patients').query({ phone_suffix: '123' }).expect(400);
    expect(bad.body.error).to.equal('VALIDATION_ERROR');
    await desk.get('/api/v1/patients').query({ phone_suffix: '12ab34' }).expect(400);
    await desk.get('/api/v1/patients').query({ name: 'x' }).expect(400);
  });

  it('when more patients match than a page holds, then pages follow the ranking without gaps or repeats', async () => {
    const last = `Pagewell${letters(5)}`;
    const ids = [];
    for (const first of ['Amal', 'Bina', 'Chitra', 'Deepa', 'Esha']) ids.push((await register(first, last)).id);
    const seen: string[] = [];
    for (let offset = 0; offset < 6; offset += 2) {
      const page = await names({ name: last, limit: 2, offset });
      expect(page.total).to.equal(5);
      seen.push(...page.rows.map((r) => r.id));
    }
    expect(seen).to.deep.equal(ids); // all word-prefix matches of equal rank: then by first name
    expect((await names({ name: last, limit: 2, offset: 10 })).total).to.equal(5);
  });

  it('when filters are combined, then every one must hold; a deactivated patient is left out unless asked for', async () => {
    const last = `Combo${letters(5)}`;
    const a = await register('Farah', last);
    await register('Gita', last);
    expect((await names({ name: last, phone_suffix: a.phone.slice(-6) })).rows.map((r) => r.id)).to.deep.equal([a.id]);
    await desk.post(`/api/v1/patients/${a.id}/deactivate`).send({}).expect(200);
    expect((await names({ name: last })).rows.map((r) => r.first_name)).to.deep.equal(['Gita']);
    expect((await names({ name: last, include_inactive: true })).total).to.equal(2);
  });
});
