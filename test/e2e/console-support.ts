import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { startTestApp, type Agent, type TestApp } from '../support/app';
import { buildPatient } from '../support/factories';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS } from '../support/chromium';
import { createScratchDatabase } from '../support/scratch-db';
import { createLogger } from '../../server/core/logger';
import { createSequelize } from '../../server/core/db';
import { migrateUp } from '../../server/core/migrator';

/** Helpers of the console's Chromium test (test/e2e/console.test.ts). */

export { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS };
export const DESK_VIEWPORT = { width: 1366, height: 768 };
export const DOCS = path.resolve(__dirname, '../../../docs');

/**
 * A fresh, migrated database on the test server, so the console sees a clinic as `npm start` shows it (the
 * shared test database holds hundreds of doctors from other tests). Dropped by `drop()`.
 */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const db = await createScratchDatabase('clinic_console');
  const logger = createLogger('error');
  const sequelize = createSequelize({ url: db.url, poolMax: 2, acquireTimeoutMs: 10_000, models: [], logger });
  await migrateUp(sequelize, logger);
  await sequelize.close();
  return db;
}

/** What a page did that it must not: CSP violations, script errors, requests or sockets to another origin. */
export interface Watch {
  problems: string[];
}

/**
 * Records, for every page of `context`: CSP violation events (listened for from before any page script runs),
 * console messages about the Content Security Policy, uncaught errors, and any request or WebSocket whose
 * host is not `origin`'s. Also replaces window.print with a counter (headless Chromium has no printer).
 */
export async function watchContext(context: BrowserContext, origin: string): Promise<Watch> {
  const watch: Watch = { problems: [] };
  const host = new URL(origin).host;
  const foreign = (url: string) => !url.startsWith('data:') && !url.startsWith('about:') && new URL(url).host !== host;
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[]; __printed: number };
    w.__csp = [];
    w.__printed = 0;
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
    window.print = () => {
      w.__printed++;
    };
  });
  context.on('request', (r) => {
    if (foreign(r.url())) watch.problems.push(`request to another origin: ${r.url()}`);
  });
  context.on('page', (page) => observePage(page, watch, foreign));
  for (const page of context.pages()) observePage(page, watch, foreign);
  return watch;
}

function observePage(page: Page, watch: Watch, foreign: (url: string) => boolean) {
  page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) watch.problems.push(`CSP: ${m.text()}`);
  });
  page.on('websocket', (ws) => {
    if (foreign(ws.url())) watch.problems.push(`socket to another origin: ${ws.url()}`);
  });
}

/** The CSP violations the page itself recorded. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

const CONTROL_ROLES = new Set([
  'button',
  'textbox',
  'searchbox',
  'combobox',
  'checkbox',
  'radio',
  'link',
  'spinbutton',
  'listbox',
  'option',
  'slider',
  'switch',
  'tab',
]);

/**
 * Controls on the page without an accessible name, as Chromium's accessibility tree computes names (labels,
 * aria-label, text). Returns `role (html tag)` of each, so a failure says what to fix.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string }; properties?: unknown[] }>;
    };
    return nodes
      .filter((n) => !n.ignored && n.role && CONTROL_ROLES.has(n.role.value) && !(n.name && String(n.name.value).trim()))
      .map((n) => n.role!.value);
  } finally {
    await cdp.detach();
  }
}

/** Saves a 1366×768 screenshot to the test artifacts and, with UPDATE_SCREENSHOTS=1, to docs/ for the README. */
export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name) });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: path.join(DOCS, name) });
  }
}

/** Logs in through the console's form. */
export async function logIn(page: Page, baseUrl: string, account: { email: string; password: string }) {
  await page.goto(`${baseUrl}/console`);
  await page.fill('#login-email', account.email, { timeout: 10_000 });
  await page.fill('#login-password', account.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="live-status"][data-status="live"]', { timeout: 10_000 });
}

/** Moves focus off any field, as after a click on the page, so single-key shortcuts apply. */
export async function blur(page: Page) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** Waits until `selector`'s text is `text`, at most `timeout` ms; fails with what it showed instead. */
export async function waitForText(page: Page, selector: string, text: string | RegExp, timeout = 5000) {
  try {
    await page.waitForFunction(
      ([sel, src, flags]) => {
        const got = document.querySelector(sel)?.textContent?.trim() ?? '';
        return flags === null ? got === src : new RegExp(src, flags).test(got);
      },
      [selector, typeof text === 'string' ? text : text.source, typeof text === 'string' ? null : text.flags] as const,
      { timeout },
    );
  } catch (err) {
    const got = await page.textContent(selector).catch(() => null);
    expect.fail(
      `${selector}: expected ${String(text)} within ${timeout} ms, saw ${JSON.stringify(got)} (${(err as Error).message.split('\n')[0]})`,
    );
  }
}

/** A running app on a fresh database, a Chromium, and the admin and reception API clients the tests arrange with. */
export interface ConsoleHarness {
  t: TestApp;
  admin: Agent;
  desk: Agent;
  /** A new browser context (its own sessionStorage, as another PC) at the desk's screen size, watched. */
  newUser(): Promise<{ page: Page; watch: Watch }>;
  stop(): Promise<void>;
}

/** Starts a {@link ConsoleHarness}; call `stop()` in `after`. */
export async function startConsoleHarness(): Promise<ConsoleHarness> {
  const db = await freshDatabase();
  const t = await startTestApp({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  return {
    t,
    admin: await t.as('admin'),
    desk: await t.as('reception'),
    async newUser() {
      const context = await browser.newContext({ viewport: DESK_VIEWPORT });
      contexts.push(context);
      const watch = await watchContext(context, t.baseUrl);
      return { page: await context.newPage(), watch };
    },
    async stop() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await t.stop().catch(() => {});
      await db.drop().catch(() => {});
    },
  };
}

/** Registers a patient over the API; returns the stored patient. */
export async function registerPatient(desk: Agent, overrides: Record<string, unknown> = {}) {
  const body = buildPatient(overrides);
  return (await desk.post('/api/v1/patients').send(body).expect(201)).body as {
    id: string;
    first_name: string;
    last_name: string;
    phone: string;
  };
}
