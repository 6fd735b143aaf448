import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser; `.ci/run` installs the package). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
/** Screenshots of the e2e tests (not committed). */
export const ARTIFACTS = path.resolve(__dirname, '../../../test/e2e/artifacts');

/** True when Chromium is installed; otherwise prints why the suite skips. Call it in `before` and `this.skip()` on false. */
export function chromiumPresent(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  console.log(`      (skipped: ${CHROMIUM} is missing; .ci/run installs Debian's chromium)`);
  return false;
}

/** A headless Chromium with a throw-away profile; `close()` also removes the profile. */
export async function launchBrowser(
  viewport = { width: 1920, height: 1080 },
): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-e2e-chromium-'));
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
