import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext } from 'playwright-core';
import { ARTIFACTS, chromiumPresent, launchBrowser } from '../support/chromium';
import { startTestApp, type TestApp } from '../support/app';
import { buildPatient, dayFromToday } from '../support/factories';
import { newDoctor } from '../support/booking';
import { publicToken } from '../../server/live/live.events';

/**
 * The waiting-room page with schedules, in Debian's Chromium (skips itself only when /usr/bin/chromium is missing):
 * the called token shows its room ("→ Room 4"), the next ones an estimated wait ("≈ 10 min"), and a screen token
 * minted for a site lays out every doctor with a session there today — and no other.
 */
describe('e2e: a site screen in Chromium, with rooms and estimated waits', function () {
  this.timeout(90_000);
  let t: TestApp;
  let browser: BrowserContext;
  let closeBrowser: (() => Promise<void>) | undefined;

  before(async function () {
    if (!chromiumPresent()) this.skip();
    t = await startTestApp();
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  after(async () => {
    await closeBrowser?.();
    await t?.stop().catch(() => {});
  });

  it('when two doctors hold sessions at a site today, then its screen shows both (not a third), the called token with its room and the next with ≈ minutes, and no names', async () => {
    const admin = await t.as('admin');
    const desk = await t.as('reception');
    const today = dayFromToday(0);
    const weekday = new Date(`${today}T12:00:00Z`).getUTCDay() || 7;
    const code = `E2E${Date.now() % 1_000_000}`;
    const site = (await admin.post('/api/v1/sites').send({ code, name: 'E2E branch', timezone: t.config.clinicTimezone }).expect(201)).body;
    const session = (room: string) => ({
      weekday,
      site_id: site.id,
      start_time: '00:00',
      end_time: '23:59',
      slot_minutes: null,
      capacity: 20,
      room,
    });
    const [x, y, elsewhere] = [await newDoctor(admin), await newDoctor(admin), await newDoctor(admin)];
    await admin
      .put(`/api/v1/doctors/${x.id}/schedule`)
      .send({ sessions: [session('Room 4')] })
      .expect(200);
    await admin
      .put(`/api/v1/doctors/${y.id}/schedule`)
      .send({ sessions: [session('Room 7')] })
      .expect(200);

    const names: string[] = [];
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = buildPatient();
      names.push(p.first_name, p.last_name);
      const patientId = (await desk.post('/api/v1/patients').send(p).expect(201)).body.id;
      const appt = (await desk.post('/api/v1/appointments').send({ patient_id: patientId, doctor_id: x.id, date: today }).expect(201)).body;
      expect(appt).to.include({ site_id: site.id, room: 'Room 4' });
      tokens.push(publicToken(x.code, appt.slot));
      await desk.post('/api/v1/checkins').send({ appointment_id: appt.id, patient_id: patientId }).expect(201);
    }
    await desk.post(`/api/v1/doctors/${x.id}/queue/call-next`).query({ date: today }).expect(200);

    const minted = await admin.post('/api/v1/display-tokens').send({ label: 'E2E branch hall', site_id: site.id }).expect(201);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await page.goto(`${t.baseUrl}/display?site_id=${site.id}#token=${encodeURIComponent(minted.body.token)}`);
      await page.waitForSelector(`[data-testid="panel-${x.id}"][data-version]`, { timeout: 10_000 });
      await page.waitForSelector(`[data-testid="panel-${y.id}"]`, { timeout: 5000 });
      expect(await page.locator(`[data-testid="panel-${elsewhere.id}"]`).count(), 'a doctor without a session there').to.equal(0);
      await page.waitForFunction((id) => document.querySelector(`[data-testid="room-${id}"]`)?.textContent === '\u2192 Room 4', x.id, {
        timeout: 5000,
      });
      expect(await page.textContent(`[data-testid="now-calling-${x.id}"]`)).to.equal(tokens[0]);
      // One in consultation, consult_minutes 10 until three are served: ≈ 10 and ≈ 20 min.
      expect(await page.textContent(`[data-testid="next-wait-${x.id}-1"]`)).to.equal('\u2248 10 min');
      expect(await page.textContent(`[data-testid="next-wait-${x.id}-2"]`)).to.equal('\u2248 20 min');
      expect(await page.isHidden(`[data-testid="room-${y.id}"]`)).to.equal(true);

      // Live: the next call moves the room line and the waits without a reload.
      await desk.post(`/api/v1/doctors/${x.id}/queue/call-next`).query({ date: today }).expect(200);
      await page.waitForFunction(
        ([id, tok]) => document.querySelector(`[data-testid="now-calling-${id}"]`)?.textContent === tok,
        [x.id, tokens[1]] as const,
        { timeout: 2000 },
      );
      expect(await page.textContent(`[data-testid="next-wait-${x.id}-1"]`)).to.equal('\u2248 10 min');
      const text = await page.innerText('body');
      for (const n of names) expect(text).not.to.include(n);
      await page.screenshot({ path: path.join(ARTIFACTS, 'display-site.png') });
      expect(pageErrors, pageErrors.join('\n')).to.deep.equal([]);
    } finally {
      await page.close();
    }
  });
});
