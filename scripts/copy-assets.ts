import fs from 'node:fs';
import path from 'node:path';
import { CONSOLE_VENDOR, vendorModules } from './vendor-modules';

/**
 * Build step after `tsc`: copies every non-TypeScript file under `server/` (e.g. the display page in
 * `server/display/public/`) to the same place under `dist/server/`, so the compiled app finds its assets
 * next to its code, then writes the console's browser libraries from node_modules into
 * `dist/server/console/public/vendor/` (scripts/vendor-modules.ts). Usage: `node dist/scripts/copy-assets.js` from the project root. Prints nothing.
 */
function copyAssets(from: string, to: string): number {
  if (!fs.existsSync(from)) return 0;
  let copied = 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      copied += copyAssets(src, dst);
    } else if (entry.isFile() && !/\.(ts|tsx|mts|cts)$/.test(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
      copied++;
    }
  }
  return copied;
}

const root = path.resolve(__dirname, '..', '..');
copyAssets(path.join(root, 'server'), path.join(root, 'dist', 'server'));
vendorModules(root, path.join(root, 'dist', 'server', 'console', 'public', 'vendor'), CONSOLE_VENDOR);
