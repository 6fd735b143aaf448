import fs from 'node:fs';
import path from 'node:path';

/** One browser ES module taken from an installed package and written under a served folder. */
export interface VendoredModule {
  /** Package name, as in package.json dependencies. */
  pkg: string;
  /** File inside the package. */
  file: string;
  /** File name written in the vendor folder. */
  as: string;
  /**
   * Bare import specifiers rewritten to relative ones (a browser cannot resolve `from "preact"` without an import
   * map, and an import map would be an inline script).
   */
  imports?: Record<string, string>;
}

/** The console's browser libraries: Preact + hooks (rendering), htm (JSX-like templates without a compiler or eval), uqr (QR codes). */
export const CONSOLE_VENDOR: VendoredModule[] = [
  { pkg: 'preact', file: 'dist/preact.mjs', as: 'preact.js' },
  { pkg: 'preact', file: 'hooks/dist/hooks.mjs', as: 'preact-hooks.js', imports: { preact: './preact.js' } },
  { pkg: 'htm', file: 'dist/htm.mjs', as: 'htm.js' },
  { pkg: 'uqr', file: 'dist/index.mjs', as: 'uqr.js' },
];

const BARE_IMPORT = /(\bfrom\s*|\bimport\s*)(["'])([^"'./][^"']*)\2/g;

/**
 * Copies each module from `node_modules/<pkg>/<file>` to `<outDir>/<as>`, rewriting its listed bare imports and
 * dropping the source-map comment (the map is not shipped), plus each package's licence as `<pkg>.LICENSE.txt`.
 * @throws Error when a file is missing or a bare import is left over: the build fails rather than ship a page
 *   whose module graph cannot load.
 */
export function vendorModules(root: string, outDir: string, modules: VendoredModule[]): number {
  fs.mkdirSync(outDir, { recursive: true });
  const licensed = new Set<string>();
  for (const m of modules) {
    const pkgDir = path.join(root, 'node_modules', m.pkg);
    const src = path.join(pkgDir, m.file);
    if (!fs.existsSync(src)) throw new Error(`vendor: ${m.pkg}/${m.file} not found; run npm ci`);
    const code = fs
      .readFileSync(src, 'utf8')
      .replace(BARE_IMPORT, (_all, kw: string, q: string, spec: string) => {
        const to = m.imports?.[spec];
        if (!to) throw new Error(`vendor: ${m.pkg}/${m.file} imports "${spec}", which has no mapping`);
        return `${kw}${q}${to}${q}`;
      })
      .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
    fs.writeFileSync(path.join(outDir, m.as), code);
    if (!licensed.has(m.pkg)) {
      const licence = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((f) => path.join(pkgDir, f)).find((f) => fs.existsSync(f));
      if (licence) fs.copyFileSync(licence, path.join(outDir, `${m.pkg}.LICENSE.txt`));
      licensed.add(m.pkg);
    }
  }
  return modules.length;
}
