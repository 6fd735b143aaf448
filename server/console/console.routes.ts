import path from 'node:path';
import express, { Router, type Response } from 'express';

/**
 * The static folder of the front-desk console: `server/console/public/`, copied next to the compiled code
 * (`dist/server/console/public/`) by `npm run build`, which also writes the browser modules it uses from
 * node_modules (preact, htm, uqr) into its `vendor/` folder (scripts/vendor-modules.ts).
 */
export const CONSOLE_PUBLIC_DIR = path.resolve(__dirname, 'public');

/**
 * The page's own CSP: same-origin scripts (ES modules, no inline script, no eval), styles and sockets only.
 * `img-src data:` is for the favicon placeholder; the screen-link QR code is inline SVG built from DOM nodes.
 */
const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

function sendPage(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-cache');
  res.sendFile(path.join(CONSOLE_PUBLIC_DIR, 'console.html'));
}

/**
 * The staff console: `/console` (a single page; the staff token lives in the tab's sessionStorage, never in a
 * cookie, so the page itself is public and holds no data) and its assets under `/console/assets/`. It uses
 * only the public `/api/v1` routes and the Socket.IO queue protocol, like any other client.
 */
export function consoleRouter(): Router {
  const r = Router();

  // no-cache + ETag: after an upgrade a desk PC must not mix old and new modules; revalidation is cheap on a LAN.
  r.use('/console/assets', express.static(CONSOLE_PUBLIC_DIR, { index: false, fallthrough: true, maxAge: 0, etag: true }));

  /**
   * @openapi
   * /console:
   *   get:
   *     tags: [console]
   *     summary: 'Front-desk console for reception, doctors and admins (HTML page)'
   *     description: >-
   *       A single-page staff app over this API and the Socket.IO queue protocol. Log in on the page;
   *       the token is kept in the tab's sessionStorage only.
   *     security: []
   *     responses:
   *       200: { description: 'The page', content: { text/html: { schema: { type: string } } } }
   */
  r.get('/console', (_req, res) => {
    sendPage(res);
  });

  return r;
}
