import fs from 'node:fs';
import { expect } from 'chai';
import type { Agent, TestApp } from '../support/app';
import { dayFromToday } from '../support/factories';
import { newDoctor } from '../support/booking';
import { doctorDayRoom, publicToken } from '../../server/live/live.events';
import {
  CHROMIUM,
  blur,
  logIn,
  registerPatient,
  startConsoleHarness,
  unnamedControls,
  waitForText,
  type ConsoleHarness,
} from './console-support';

/**
 * The rest of the console's work in Chromium: a duplicate registration and a full day (409) at the desk;
 * walk-in, cancel, no-show, reschedule; skip, requeue, recall at the doctor's; a version gap; screen links and
 * staff accounts. Skips itself only when /usr/bin/chromium is missing; its own fresh database.
 */
type Doctor = { id: string; code: string; name: string };

describe('e2e: the front-desk console in Chromium, the rest of the day', function () {
  this.timeout(120_000);
  let h: ConsoleHarness | undefined;
  let t: TestApp;
  let admin: Agent;
  let desk: Agent;
  const newUser = () => h!.newUser();

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} is missing; .ci/run installs Debian's chromium)`);
      this.skip();
    }
    h = await startConsoleHarness();
    ({ t, admin, desk } = h);
  });

  after(async () => {
    await h?.stop();
  });

  it('when the patient is already registered, then registering selects them; when the day is full, then the 409 message is shown at the Book button with the next day offered', async () => {
    const full = (await newDoctor(admin, 1, { name: 'Dr. Sunil Das', code: 'DR_SD' })) as Doctor;
    const existing = await registerPatient(desk, { first_name: 'Ravi', last_name: 'Kumar' });
    const someone = await registerPatient(desk);
    await desk
      .post('/api/v1/appointments')
      .send({ patient_id: someone.id, doctor_id: full.id, date: dayFromToday(0) })
      .expect(201);
    const { phone } = (await desk.get(`/api/v1/patients/${existing.id}`).expect(200)).body;
    const { page, watch } = await newUser();
    await logIn(page, t.baseUrl, await t.account('reception'));

    // Registering Ravi again (same phone, same first name in another case) answers with the existing record.
    await page.click('[data-testid="register-open"]');
    await page.fill('[data-testid="reg-first_name"]', 'RAVI');
    await page.fill('[data-testid="reg-phone"]', phone);
    await page.press('[data-testid="reg-phone"]', 'Enter');
    await waitForText(page, '[data-testid="patient-name"]', 'Ravi Kumar');
    await waitForText(page, '[data-testid="patient-note"]', /Already registered/);

    // A full day: the API's message, next to the button; the next day with room is offered and books.
    await page.selectOption('[data-testid="book-doctor"]', full.id);
    await page.click('[data-testid="book-submit"]');
    await page.waitForSelector('[data-testid="book-error"]', { timeout: 5000 });
    expect(await page.getAttribute('[data-testid="book-error"]', 'data-code')).to.equal('CAPACITY_FULL');
    expect(await page.textContent('[data-testid="book-error"]')).to.equal('This doctor-day is fully booked');
    expect(await page.locator('[data-testid="booking-form"] [data-testid="book-error"]').count()).to.equal(1);
    expect(await page.getAttribute('[data-testid="book-submit"]', 'aria-describedby')).to.equal('book-error');
    await waitForText(page, '[data-testid="next-day-offer"]', /Next day with room/);
    await page.click('[data-testid="book-next-day"]');
    await waitForText(page, '[data-testid="booked-token"]', publicToken(full.code, 1));
    const booked = (await desk.get(`/api/v1/patients/${existing.id}/appointments`).expect(200)).body.data;
    expect(booked.map((a: { date: string; doctor_id: string }) => [a.date, a.doctor_id])).to.deep.equal([[dayFromToday(1), full.id]]);

    // A validation error is shown at its field.
    await page.click('[data-testid="result-done"]');
    await page.click('[data-testid="register-open"]');
    await page.fill('[data-testid="reg-first_name"]', 'Nobody');
    await page.fill('[data-testid="reg-phone"]', '12');
    await page.press('[data-testid="reg-phone"]', 'Enter');
    await page.waitForSelector('#reg-phone-error', { timeout: 5000 });
    expect(await page.getAttribute('[data-testid="reg-phone"]', 'aria-invalid')).to.equal('true');
    expect(watch.problems).to.deep.equal([]);
  });

  it('when the desk walks a patient in, cancels, marks a no-show and reschedules, and the doctor skips, requeues and recalls, then the API holds each change and a gap in versions resyncs the card', async () => {
    const doctor = (await newDoctor(admin, 10, { name: 'Dr. Omar Sheikh', code: 'DR_OS' })) as Doctor;
    const other = (await newDoctor(admin, 10, { name: 'Dr. Priya Shah', code: 'DR_PS' })) as Doctor;
    const book = async (patientId: string, date: string) =>
      (await desk.post('/api/v1/appointments').send({ patient_id: patientId, doctor_id: doctor.id, date }).expect(201)).body.id as string;
    const [p1, p2, p3, p4] = [
      await registerPatient(desk),
      await registerPatient(desk),
      await registerPatient(desk),
      await registerPatient(desk, { first_name: 'Walkin' }),
    ];
    const [a1, a2, a3] = [await book(p1.id, dayFromToday(0)), await book(p2.id, dayFromToday(0)), await book(p3.id, dayFromToday(1))];
    const status = async (id: string) => (await desk.get(`/api/v1/appointments/${id}`).expect(200)).body;
    const { page, watch } = await newUser();
    await logIn(page, t.baseUrl, await t.account('reception'));
    await page.waitForSelector(`[data-testid="doctor-card-${doctor.id}"][data-version]`, { timeout: 10_000 });

    // Walk-in: book today and check in, in one step.
    await page.fill('[data-testid="patient-search"]', `${p4.first_name} ${p4.last_name}`);
    await page.waitForSelector('[data-testid="patient-result"]', { timeout: 5000 });
    await page.press('[data-testid="patient-search"]', 'Enter');
    await page.selectOption('[data-testid="book-doctor"]', doctor.id);
    await page.click('[data-testid="walk-in"]');
    await waitForText(page, '[data-testid="checked-in-notice"]', /place 1/);
    await page.click('[data-testid="result-done"]');

    // Cancel and no-show from the day list (a confirm step each).
    await page.click(`[data-testid="card-list-${doctor.id}"]`);
    const rowOf = (id: string) => page.locator(`[data-testid="day-list"] [data-appointment-id="${id}"]`);
    await rowOf(a1).locator('[data-testid="appt-cancel"]').click({ timeout: 5000 });
    await rowOf(a1).locator('[data-testid="confirm-yes"]').click();
    await rowOf(a1).waitFor({ state: 'detached', timeout: 5000 }); // "Open only" hides it
    expect((await status(a1)).status).to.equal('cancelled');
    await rowOf(a2).locator('[data-testid="appt-no-show"]').click();
    await rowOf(a2).locator('[data-testid="confirm-yes"]').click();
    await rowOf(a2).waitFor({ state: 'detached', timeout: 5000 });
    expect((await status(a2)).status).to.equal('no_show');
    await waitForText(page, `[data-testid="card-booked-${doctor.id}"]`, '2 / 10'); // two booked + the walk-in, less the cancelled one

    // Reschedule tomorrow's appointment to the day after, with another doctor.
    await page.fill('[data-testid="patient-search"]', p3.first_name);
    await page.waitForSelector('[data-testid="patient-result"]', { timeout: 5000 });
    await page.press('[data-testid="patient-search"]', 'Enter');
    const upcoming = page.locator(`[data-testid="patient-panel"] ~ section [data-appointment-id="${a3}"]`);
    await upcoming.locator('[data-testid="appt-reschedule"]').click({ timeout: 5000 });
    await upcoming.locator('[data-testid="reschedule-date"]').fill(dayFromToday(2));
    await upcoming.locator('select').selectOption(other.id);
    await upcoming.locator('[data-testid="reschedule-submit"]').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="reschedule-form"]'), undefined, { timeout: 5000 });
    expect(await status(a3)).to.include({ date: dayFromToday(2), doctor_id: other.id, status: 'booked' });

    // The doctor: call, skip (K), requeue, call again, recall (R); each is one more version on the desk's card.
    const { page: doc, watch: docWatch } = await newUser();
    await logIn(doc, t.baseUrl, await t.account('doctor', doctor.id));
    await doc.waitForSelector('[data-testid="waiting-list-row"]', { timeout: 10_000 });
    const version = async () => Number(await page.getAttribute(`[data-testid="doctor-card-${doctor.id}"]`, 'data-version'));
    // Priority: the doctor marks the waiting walk-in an emergency (PATCH /queue-entries/{id}); one more version.
    const beforePriority = await version();
    await doc.click('[data-testid="waiting-list"] [data-testid="entry-priority"]');
    await doc.selectOption('[data-testid="priority-select"]', 'emergency');
    await doc.click('[data-testid="waiting-list"] button[type="submit"]');
    await page.waitForFunction(
      ([id, v]) => Number(document.querySelector(`[data-testid="doctor-card-${id}"]`)?.getAttribute('data-version')) === v,
      [doctor.id, beforePriority + 1] as const,
      { timeout: 5000 },
    );
    const staffQueue = (await desk.get(`/api/v1/doctors/${doctor.id}/queue`).expect(200)).body;
    expect(staffQueue.waiting.map((e: { priority: string }) => e.priority)).to.deep.equal(['emergency']);
    const before = await version();
    await doc.click('[data-testid="call-next"]');
    await waitForText(doc, '[data-testid="current-name"]', /^Walkin /);
    await blur(doc);
    await doc.keyboard.press('k');
    await doc.waitForSelector('[data-testid="skipped-list-row"]', { timeout: 5000 });
    await doc.click('[data-testid="skipped-list"] [data-testid="entry-requeue"]');
    await doc.waitForSelector('[data-testid="waiting-list-row"]', { timeout: 5000 });
    await doc.click('[data-testid="call-next"]');
    await waitForText(doc, '[data-testid="current-token"]', publicToken(doctor.code, 3)); // the walk-in took slot 3
    await blur(doc);
    await doc.keyboard.press('r');
    await page.waitForFunction(
      ([id, v]) => Number(document.querySelector(`[data-testid="doctor-card-${id}"]`)?.getAttribute('data-version')) === v,
      [doctor.id, before + 5] as const,
      { timeout: 5000 },
    );

    // A gap: an event three versions ahead (a gap whether it lands before or after the serve's), with a made-up
    // snapshot, is never applied; the card resubscribes and shows the truth.
    const truth = await version();
    t.app.io.to(doctorDayRoom(doctor.id, dayFromToday(0))).emit('queue:updated', {
      doctor_id: doctor.id,
      date: dayFromToday(0),
      version: truth + 3,
      type: 'called',
      at: new Date().toISOString(),
      entry: { token: 'FAKE-999', position: 99, status: 'called', called_at: null },
      snapshot: {
        doctor_id: doctor.id,
        date: dayFromToday(0),
        doctor_name: doctor.name,
        doctor_code: doctor.code,
        version: truth + 3,
        now_serving: { token: 'FAKE-999', position: 99, status: 'called', called_at: null },
        waiting: [],
      },
    } as never);
    await doc.click('[data-testid="entry-serve"]');
    await waitForText(page, `[data-testid="card-now-${doctor.id}"]`, '—', 5000);
    expect(await version()).to.equal(truth + 1);
    expect([...watch.problems, ...docWatch.problems]).to.deep.equal([]);
  });

  it('when an admin mints a screen link, then its URL and QR code are shown once and the link works until revoked; accounts are created, reset and deactivated', async () => {
    const doctor = (await newDoctor(admin, 10, { name: 'Dr. Leela Pillai', code: 'DR_LP' })) as Doctor;
    const { page, watch } = await newUser();
    await logIn(page, t.baseUrl, await t.account('admin'));

    await page.click('[data-testid="tab-screens"]');
    await page.fill('[data-testid="screen-label"]', 'Waiting room TV');
    await page.check(`[data-testid="screen-doctor-${doctor.id}"]`);
    await page.click('[data-testid="mint-submit"]');
    const url = await page.inputValue('[data-testid="minted-url"]', { timeout: 5000 });
    expect(url).to.match(new RegExp(`^${t.baseUrl}/display/${doctor.id}#token=scr_[A-Za-z0-9_-]{43}$`));
    expect(Number(await page.getAttribute('[data-testid="screen-qr"]', 'data-modules'))).to.be.greaterThan(20);
    expect(await unnamedControls(page), 'controls without an accessible name (screens)').to.deep.equal([]);
    const { page: tv } = await newUser();
    await tv.goto(url);
    await waitForText(tv, `[data-testid="doctor-name-${doctor.id}"]`, doctor.name, 10_000);

    const row = page.locator('[data-testid="screen-row"]', { hasText: 'Waiting room TV' });
    await row.locator('[data-testid="screen-revoke"]').click();
    await row.locator('[data-testid="confirm-yes"]').click();
    await page.waitForSelector('[data-testid="screen-row"] >> text=Waiting room TV', { state: 'detached', timeout: 5000 });
    await tv.waitForSelector('[data-testid="error-state"]', { state: 'visible', timeout: 10_000 });

    // Users: create, reset the password, deactivate; the API is the judge of each.
    await page.click('[data-testid="tab-users"]');
    const email = `desk2-${Date.now()}@clinic.example`;
    await page.fill('[data-testid="user-email"]', email);
    await page.fill('[data-testid="user-password"]', 'first password 1');
    await page.click('[data-testid="user-submit"]');
    const user = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await user.waitFor({ timeout: 5000 });
    await user.locator('[data-testid="user-reset"]').click();
    await user.locator('[data-testid="user-new-password"]').fill('second password 2');
    await user.locator('[data-testid="user-password-save"]').click();
    await user.locator('text=Password changed.').waitFor({ timeout: 5000 });
    await t.http.post('/api/v1/auth/login').send({ email, password: 'second password 2' }).expect(200);
    expect(await unnamedControls(page), 'controls without an accessible name (users)').to.deep.equal([]);
    await user.locator('[data-testid="user-toggle"]').click();
    await page.waitForSelector(`[data-testid="user-row"][data-email="${email}"][data-active="false"]`, { timeout: 5000 });
    await t.http.post('/api/v1/auth/login').send({ email, password: 'second password 2' }).expect(401);
    expect(watch.problems).to.deep.equal([]);
  });
});
