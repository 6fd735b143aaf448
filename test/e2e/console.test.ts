import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startTestApp, type Agent, type TestAccount, type TestApp } from '../support/app';
import { dayFromToday, phoneNumber } from '../support/factories';
import { newDoctor } from '../support/booking';
import { publicToken } from '../../server/live/live.events';
import {
  CHROMIUM,
  blur,
  cspViolations,
  logIn,
  registerPatient,
  screenshot,
  startConsoleHarness,
  unnamedControls,
  waitForText,
  type ConsoleHarness,
} from './console-support';

/**
 * The front-desk console (/console) in Debian's Chromium, over the public API and Socket.IO only: a receptionist
 * and a doctor work a morning at once, in two browser contexts, while a waiting-room screen follows live.
 * Skips itself only when /usr/bin/chromium is missing. Runs on its own fresh database, as a new clinic would.
 * More desk and admin work: console-desk.test.ts.
 */
type Doctor = { id: string; code: string; name: string };

describe('e2e: the front-desk console in Chromium, a receptionist and a doctor at once', function () {
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

  it('when a receptionist registers, books and checks in and a doctor in another browser calls next, then the desk card and the waiting-room screen follow live, without names on the screen', async () => {
    const doctor = (await newDoctor(admin, 10, { name: 'Dr. Meera Iyer', code: 'DR_MI', specialty: 'ENT' })) as Doctor;
    const other = (await newDoctor(admin, 12, { name: 'Dr. Arjun Nair', code: 'DR_AN', specialty: 'General Medicine' })) as Doctor;
    await newDoctor(admin, 8, { name: 'Dr. Kavya Menon', code: 'DR_KM', specialty: 'Paediatrics' });
    const receptionist: TestAccount = await t.account('reception');
    const doctorAccount: TestAccount = await t.account('doctor', doctor.id);
    const second = await registerPatient(desk, { first_name: 'Farida', last_name: 'Begum', age: 61 });
    const secondAppt = (
      await desk
        .post('/api/v1/appointments')
        .send({ patient_id: second.id, doctor_id: doctor.id, date: dayFromToday(0) })
        .expect(201)
    ).body;
    const phone = phoneNumber();

    // The receptionist logs in; the search has the focus and '/' brings it back.
    const { page: deskPage, watch: deskWatch } = await newUser();
    await logIn(deskPage, t.baseUrl, receptionist);
    await deskPage.waitForSelector(`[data-testid="doctor-card-${doctor.id}"][data-version]`, { timeout: 10_000 });
    await deskPage.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'no reload';
    });
    await blur(deskPage);
    await deskPage.keyboard.press('/');
    expect(await deskPage.evaluate(() => document.activeElement?.id)).to.equal('patient-search');

    // Search by phone (typed with a space, as a clerk would) → not found → Enter registers inline.
    const typed = `${phone.slice(0, 5)} ${phone.slice(5)}`;
    await deskPage.keyboard.type(typed);
    await waitForText(deskPage, '[data-testid="search-status"]', /No patient found/);
    await deskPage.keyboard.press('Enter');
    expect(await deskPage.inputValue('[data-testid="reg-phone"]')).to.equal(typed);
    expect(await deskPage.evaluate(() => document.activeElement?.id)).to.equal('reg-first_name');
    await deskPage.keyboard.type('Asha');
    await deskPage.fill('[data-testid="reg-last_name"]', 'Rao');
    await deskPage.fill('[data-testid="reg-age"]', '34');
    await deskPage.keyboard.press('Enter');
    await waitForText(deskPage, '[data-testid="patient-name"]', 'Asha Rao');
    expect(await deskPage.textContent('[data-testid="patient-panel"]')).to.include(`+91${phone}`); // normalized by the API

    // Book: choose the doctor, Enter books the lowest free token; the token is shown large and printable.
    expect(await deskPage.evaluate(() => document.activeElement?.id)).to.equal('book-doctor');
    await deskPage.selectOption('[data-testid="book-doctor"]', doctor.id);
    await deskPage.keyboard.press('Enter');
    const token = publicToken(doctor.code, 2); // slot 1 went to Farida
    await waitForText(deskPage, '[data-testid="booked-token"]', token);
    expect(await deskPage.textContent('[data-testid="booked-meta"]')).to.include(doctor.name);
    expect(await unnamedControls(deskPage), 'controls without an accessible name (reception)').to.deep.equal([]);
    await deskPage.keyboard.press('Enter'); // the focus is on "Print slip"
    expect(await deskPage.evaluate(() => (window as unknown as { __printed: number }).__printed)).to.equal(1);
    await deskPage.emulateMedia({ media: 'print' });
    expect(await deskPage.isVisible('[data-testid="slip"]')).to.equal(true);
    expect(await deskPage.isVisible('[data-testid="patient-name"]')).to.equal(false);
    expect(await deskPage.isVisible('[data-testid="doctor-card-' + doctor.id + '"]')).to.equal(false);
    const slip = await deskPage.innerText('[data-testid="slip"]');
    expect(slip).to.include(token).and.include(doctor.name).and.not.include('Asha').and.not.include(phone.slice(-4));
    await screenshot(deskPage, 'console-slip.png');
    await deskPage.emulateMedia({ media: 'screen' });

    // Check in from the doctor's day list; the second patient by typing the appointment id.
    await deskPage.click('[data-testid="result-done"]');
    await deskPage.click(`[data-testid="card-list-${doctor.id}"]`);
    const row = deskPage.locator('[data-testid="day-list"] [data-testid="appt-row"]', { hasText: 'Asha' });
    await row.locator('[data-testid="appt-check-in"]').click({ timeout: 5000 });
    await deskPage.waitForSelector('[data-testid="day-list"] [data-testid="appt-row"][data-status="checked_in"]', { timeout: 5000 });
    await deskPage.fill('[data-testid="checkin-id"]', secondAppt.id);
    await deskPage.press('[data-testid="checkin-id"]', 'Enter');
    await waitForText(deskPage, '[data-testid="checkin-done"]', /Checked in: .*place 2/);
    await waitForText(deskPage, `[data-testid="card-waiting-${doctor.id}"]`, '2');
    await waitForText(deskPage, `[data-testid="card-checked-in-${doctor.id}"]`, '2');
    await waitForText(deskPage, `[data-testid="card-booked-${doctor.id}"]`, '2 / 10');

    // A waiting-room screen for the doctor.
    const { page: screen, watch: screenWatch } = await newUser();
    await screen.goto(`${t.baseUrl}/display/${doctor.id}#token=${encodeURIComponent(await t.screenToken([doctor.id]))}`);
    await screen.waitForSelector(`[data-testid="panel-${doctor.id}"][data-version]`, { timeout: 10_000 });

    // The doctor, on another PC, sees the waiting list with names and calls next with the N key.
    const { page: docPage, watch: docWatch } = await newUser();
    await logIn(docPage, t.baseUrl, doctorAccount);
    await docPage.waitForSelector('[data-testid="waiting-list-row"]', { timeout: 10_000 });
    expect(await docPage.locator('[data-testid="waiting-list-row"]').allInnerTexts()).to.have.length(2);
    expect(await docPage.textContent('[data-testid="waiting-list"]'))
      .to.include('Asha Rao')
      .and.include('Farida Begum');
    expect(await docPage.isVisible('[data-testid="tab-reception"]')).to.equal(false); // a doctor has only their queue
    await blur(docPage);
    await docPage.keyboard.press('n');
    const farida = publicToken(doctor.code, 1); // Farida has slot 1 but checked in second: the queue goes by check-in
    await waitForText(docPage, '[data-testid="current-token"]', token);
    await waitForText(docPage, '[data-testid="current-name"]', 'Asha Rao');
    await waitForText(docPage, '[data-testid="current-age"]', /34 years/);

    // The desk's card and the screen follow without a reload.
    await waitForText(deskPage, `[data-testid="card-now-${doctor.id}"]`, token, 3000);
    await waitForText(deskPage, `[data-testid="card-waiting-${doctor.id}"]`, '1', 3000);
    await waitForText(screen, `[data-testid="now-calling-${doctor.id}"]`, token, 3000);
    expect(await deskPage.evaluate(() => (window as unknown as { marker?: string }).marker)).to.equal('no reload');
    await waitForText(docPage, '[data-testid="count-waiting"]', '1');
    expect(await unnamedControls(docPage), 'controls without an accessible name (doctor)').to.deep.equal([]);
    await screenshot(docPage, 'console-doctor.png');

    // Meanwhile the desk finds Farida by name and books her with another doctor (Enter picks, Enter books).
    await blur(deskPage);
    await deskPage.keyboard.press('/');
    await deskPage.keyboard.type('farida beg');
    await deskPage.waitForSelector('[data-testid="patient-result"]', { timeout: 5000 });
    await deskPage.keyboard.press('Enter');
    await waitForText(deskPage, '[data-testid="patient-name"]', 'Farida Begum');
    await deskPage.selectOption('[data-testid="book-doctor"]', other.id);
    await deskPage.keyboard.press('Enter');
    await waitForText(deskPage, '[data-testid="booked-token"]', publicToken(other.code, 1));
    await waitForText(deskPage, `[data-testid="card-booked-${other.id}"]`, '1 / 12');
    await screenshot(deskPage, 'console-reception.png');

    // Serve (S), then the next one: the screen moves on; nothing personal ever reaches it.
    await blur(docPage);
    await docPage.keyboard.press('s');
    await waitForText(docPage, '[data-testid="count-served"]', '1');
    await docPage.click('[data-testid="call-next"]');
    await waitForText(docPage, '[data-testid="current-token"]', farida);
    await waitForText(screen, `[data-testid="now-calling-${doctor.id}"]`, farida, 3000);
    await waitForText(deskPage, `[data-testid="card-now-${doctor.id}"]`, farida, 3000);
    const screenText = await screen.innerText('body');
    for (const name of ['Asha', 'Rao', 'Farida', 'Begum']) expect(screenText).not.to.include(name);
    expect(screenText).not.to.include(phone.slice(-6));

    for (const page of [deskPage, docPage]) expect(await cspViolations(page)).to.deep.equal([]);
    expect([...deskWatch.problems, ...docWatch.problems, ...screenWatch.problems]).to.deep.equal([]);

    // Logout clears the token from sessionStorage.
    await deskPage.click('[data-testid="logout"]');
    await deskPage.waitForSelector('[data-testid="login-form"]', { timeout: 5000 });
    expect(await deskPage.evaluate(() => sessionStorage.length)).to.equal(0);
  });
});

describe('console route: a static page under a strict CSP, its modules vendored at build time', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('when /console is asked, then the HTML page has a self-only CSP and no inline script, and every module it loads is served', async () => {
    const res = await t.http.get('/console').expect(200);
    expect(res.headers['content-type']).to.match(/text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).to.include("script-src 'self'").and.include("connect-src 'self'").and.not.include('unsafe');
    expect(res.text).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/); // every script has a src
    for (const asset of [
      '/console/assets/js/main.js',
      '/console/assets/vendor/preact.js',
      '/console/assets/vendor/preact-hooks.js',
      '/console/assets/vendor/htm.js',
      '/console/assets/vendor/uqr.js',
      '/console/assets/i18n/en.js',
    ]) {
      const js = await t.http
        .get(asset)
        .expect(200)
        .expect('content-type', /javascript/);
      expect(js.text, asset).not.to.match(/\bfrom\s*["'][^"'./]/); // no bare import left for the browser to fail on
    }
    for (const css of ['console', 'frame', 'views'])
      await t.http.get(`/console/assets/css/${css}.css`).expect(200).expect('content-type', /css/);
    await t.http.get('/console/assets/css/print.css').expect(200).expect('content-type', /css/);
  });

  it('when the console code uses a text key, then en.js defines it, and en.js holds no unused text', () => {
    const root = path.resolve(__dirname, '../../../server/console/public');
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
    const code = files(path.join(root, 'js'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const defined = new Set([...fs.readFileSync(path.join(root, 'i18n/en.js'), 'utf8').matchAll(/^\s*'([\w.]+)':/gm)].map((m) => m[1]));
    // Every quoted 'area.name' whose area en.js has is a text key (in t('…') or chosen by a ternary), so a typo fails.
    const areas = new Set([...defined].map((k) => k.split('.')[0]));
    const used = new Set([...code.matchAll(/'([a-z]+)\.([A-Za-z]+)'/g)].filter((m) => areas.has(m[1])).map((m) => `${m[1]}.${m[2]}`));
    const dynamic = [...code.matchAll(/t\('([a-z]+\.)' \+/g)].map((m) => m[1]);
    for (const key of used) expect(defined.has(key), `en.js lacks '${key}'`).to.equal(true);
    const unused = [...defined].filter((k) => k !== 'locale' && !used.has(k) && !dynamic.some((p) => k.startsWith(p)));
    expect(unused, 'keys in en.js that no code uses').to.deep.equal([]);
  });
});
