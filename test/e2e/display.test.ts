import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, chromiumPresent, launchBrowser } from '../support/chromium';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildPatient, dayFromToday } from '../support/factories';
import { newDoctor } from '../support/booking';
import { createApp, type App } from '../../server/app';
import { createLogger } from '../../server/core/logger';
import { publicToken } from '../../server/live/live.events';

/**
 * The waiting-room page in Debian's Chromium (never a downloaded browser; `.ci/run` installs it).
 * Skips itself only when /usr/bin/chromium is missing. Needs the queue REST endpoints, the Socket.IO
 * queue protocol and screen tokens (POST /api/v1/display-tokens) on the server side.
 */

type WithScreenToken = TestApp & { screenToken?: (doctorIds: string[]) => Promise<string> };

/** A screen token for `doctorIds`: the TestApp helper when the accounts work provides one, else the admin endpoint. */
async function mintScreenToken(t: TestApp, admin: Agent, doctorIds: string[]): Promise<string> {
  const helper = (t as WithScreenToken).screenToken;
  if (helper) return helper.call(t, doctorIds);
  const res = await admin.post('/api/v1/display-tokens').send({ label: 'e2e waiting room', doctor_ids: doctorIds });
  expect(res.status, `POST /api/v1/display-tokens → ${res.status} ${res.text}`).to.equal(201);
  return res.body.token as string;
}

/** Registers a patient and books them today with `doctorId`; returns ids and the public token of the slot. */
async function bookToday(desk: Agent, doctor: { id: string; code: string }) {
  const patient = buildPatient();
  const patientId = (await desk.post('/api/v1/patients').send(patient).expect(201)).body.id as string;
  const appt = (
    await desk
      .post('/api/v1/appointments')
      .send({ patient_id: patientId, doctor_id: doctor.id, date: dayFromToday(0) })
      .expect(201)
  ).body;
  return { patientId, appointmentId: appt.id as string, token: publicToken(doctor.code, appt.slot), firstName: patient.first_name };
}

async function checkIn(desk: Agent, b: { appointmentId: string; patientId: string }) {
  const res = await desk.post('/api/v1/checkins').send({ appointment_id: b.appointmentId, patient_id: b.patientId });
  expect(res.status, `check-in → ${res.status} ${res.text}`).to.equal(201);
}

async function callNext(desk: Agent, doctorId: string) {
  const res = await desk.post(`/api/v1/doctors/${doctorId}/queue/call-next?date=${dayFromToday(0)}`);
  expect(res.status, `call-next → ${res.status} ${res.text}`).to.be.within(200, 201);
}

const nowCalling = (page: Page, doctorId: string) => page.textContent(`[data-testid="now-calling-${doctorId}"]`);
const nextTokens = (page: Page, doctorId: string) =>
  page.$$eval(`[data-testid="next-list-${doctorId}"] .next-list__item`, (lis) => lis.map((li) => li.firstElementChild?.textContent)); // the token, not its wait

/** Waits until "Now calling" for `doctorId` shows `token`, at most `timeout` ms. */
function waitForNowCalling(page: Page, doctorId: string, token: string, timeout: number) {
  return page.waitForFunction(
    ([id, tok]) => document.querySelector(`[data-testid="now-calling-${id}"]`)?.textContent === tok,
    [doctorId, token] as const,
    { timeout },
  );
}

describe('e2e: the waiting-room screen in Chromium', function () {
  this.timeout(90_000);
  let t: TestApp;
  let restarted: App | undefined;
  let browser: BrowserContext | undefined;
  let closeBrowser: (() => Promise<void>) | undefined;

  before(async function () {
    if (!chromiumPresent()) this.skip();
    t = await startTestApp();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });

  after(async () => {
    await closeBrowser?.();
    await restarted?.stop().catch(() => {});
    await t?.stop().catch(() => {});
  });

  it('when the page is opened without a screen token, then it shows the error state', async () => {
    const page = await browser!.newPage();
    try {
      await page.goto(`${t.baseUrl}/display/00000000-0000-4000-8000-000000000000`);
      await page.waitForSelector('[data-testid="error-state"]', { state: 'visible', timeout: 5000 });
      expect(await page.textContent('[data-testid="error-title"]')).to.match(/no screen token/i);
      expect(await page.getAttribute('body', 'data-state')).to.equal('error');
    } finally {
      await page.close();
    }
  });

  it('when a patient is checked in and called over REST, then the page shows the token within 1 s; after a server restart it shows the true state again', async () => {
    const admin = await t.as('admin');
    const desk = await t.as('reception');
    const doctor = await newDoctor(admin);
    const [first, second, third] = [await bookToday(desk, doctor), await bookToday(desk, doctor), await bookToday(desk, doctor)];
    const screenToken = await mintScreenToken(t, admin, [doctor.id]);

    const page = browser!.pages()[0] ?? (await browser!.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
    });

    // Arrange: the screen is open and subscribed.
    await page.goto(`${t.baseUrl}/display/${doctor.id}#token=${encodeURIComponent(screenToken)}`);
    await page.waitForSelector(`[data-testid="panel-${doctor.id}"][data-version]`, { timeout: 10_000 });
    await page.evaluate(() => {
      (window as unknown as { loadMarker: string }).loadMarker = 'same-page';
    });
    expect(await page.textContent(`[data-testid="doctor-name-${doctor.id}"]`)).to.equal((doctor as { name?: string }).name);
    expect(await nowCalling(page, doctor.id)).to.equal('—');

    // Act: two check-ins, then a call.
    await checkIn(desk, first);
    await checkIn(desk, second);
    await page.waitForFunction(
      ([id, n]) => document.querySelectorAll(`[data-testid="next-list-${id}"] .next-list__item`).length === n,
      [doctor.id, 2] as const,
      { timeout: 1000 },
    );
    expect(await nextTokens(page, doctor.id)).to.deep.equal([first.token, second.token]);

    await callNext(desk, doctor.id);
    await waitForNowCalling(page, doctor.id, first.token, 1000);

    // Assert: live, without a reload, highlighted, and nothing personal on screen.
    expect(await page.evaluate(() => (window as unknown as { loadMarker?: string }).loadMarker)).to.equal('same-page');
    expect(await page.getAttribute(`[data-testid="panel-${doctor.id}"]`, 'data-highlight')).to.equal('true');
    expect(await nextTokens(page, doctor.id)).to.deep.equal([second.token]);
    await page.waitForSelector('[data-testid="offline-banner"]', { state: 'hidden' });
    const text = await page.innerText('body');
    for (const p of [first, second, third]) expect(text).not.to.include(p.firstName);
    await page.screenshot({ path: path.join(ARTIFACTS, 'display-live.png') });

    // Act: stop the server → the banner appears.
    const port = t.port;
    await t.app.stop();
    await page.waitForSelector('[data-testid="offline-banner"]', { state: 'visible', timeout: 5000 });
    expect(await page.isVisible(`[data-testid="stale-${doctor.id}"]`)).to.equal(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'display-offline.png') });

    // While the screen is offline, the desk carries on (through another instance on another port).
    const other = await startTestApp();
    let truth: { version: number; now_serving: { token: string } | null; waiting: Array<{ token: string }> };
    try {
      const otherDesk = await other.as('reception');
      await checkIn(otherDesk, third);
      await callNext(otherDesk, doctor.id);
      const q = await otherDesk.get(`/api/v1/doctors/${doctor.id}/queue?date=${dayFromToday(0)}`).expect(200);
      truth = q.body;
    } finally {
      await other.stop();
    }
    expect(truth.now_serving?.token).to.equal(second.token);

    // Act: the server comes back on the same port.
    restarted = createApp(t.config, { logger: createLogger('error'), migrate: false });
    await restarted.start(port);

    // Assert: the page resyncs by itself to the true state.
    await waitForNowCalling(page, doctor.id, second.token, 15_000);
    await page.waitForSelector('[data-testid="offline-banner"]', { state: 'hidden', timeout: 5000 });
    await page.waitForSelector(`[data-testid="stale-${doctor.id}"]`, { state: 'hidden', timeout: 5000 });
    expect(await nextTokens(page, doctor.id)).to.deep.equal(truth.waiting.slice(0, 5).map((e) => e.token));
    expect(await nextTokens(page, doctor.id)).to.deep.equal([third.token]);
    expect(Number(await page.getAttribute(`[data-testid="panel-${doctor.id}"]`, 'data-version'))).to.equal(truth.version);
    expect(await page.evaluate(() => (window as unknown as { loadMarker?: string }).loadMarker)).to.equal('same-page');
    await page.screenshot({ path: path.join(ARTIFACTS, 'display-resynced.png') });

    expect(pageErrors, pageErrors.join('\n')).to.deep.equal([]);
  });
});

describe('display routes: the page is public, its doctor ids are checked', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('when /display/{uuid} and /display?doctor_ids=a,b are asked, then the HTML page is served with a self-only CSP', async () => {
    const ids = ['3f0c5a8e-8d1e-4c53-9a52-0d7c1d2f4a10', '6b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e'];
    for (const url of [`/display/${ids[0]}`, `/display?doctor_ids=${ids.join(',')}`]) {
      const res = await t.http.get(url).expect(200);
      expect(res.headers['content-type']).to.match(/text\/html/);
      expect(res.headers['content-security-policy']).to.include("script-src 'self'");
      expect(res.text)
        .to.include('/socket.io/socket.io.js')
        .and.include('/display/assets/display.js')
        .and.not.match(/<script>(?!<\/script>)/);
    }
    await t.http
      .get('/display/assets/display.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await t.http.get('/display/assets/display.css').expect(200).expect('content-type', /css/);
    await t.http.get('/socket.io/socket.io.js').expect(200);
  });

  it('when the doctor ids are not UUIDs, then 400 problem+json', async () => {
    for (const url of ['/display/not-a-uuid', '/display?doctor_ids=abc,def', '/display', '/display?doctor_ids=']) {
      const res = await t.http.get(url).expect(400);
      expect(res.headers['content-type'], url).to.match(/application\/problem\+json/);
      expect(res.body.error, url).to.equal('VALIDATION_ERROR');
    }
  });
});
