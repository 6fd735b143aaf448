// ESLint flat config: typescript-eslint with type information, Prettier for layout, and the house's import
// boundaries (README "Layout": which module may import which).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/**
 * The direction of dependencies between the modules under server/: each may import only itself, the modules
 * listed for it, and — transitively — what those may import. `core` imports nothing of ours; the composition
 * root (server/*.ts, server/cli/) may import anything. One table, read by the rule below and by a test
 * (test/unit/boundaries.test.ts) that checks a feature imported from core/ is refused.
 */
export const LAYERS = {
  core: [],
  live: ['core'],
  auth: ['live'],
  'doctor-days': ['auth'],
  doctors: ['doctor-days'],
  availability: ['doctors'],
  patients: ['auth'],
  users: ['doctors'],
  'display-tokens': ['doctors'],
  appointments: ['doctor-days'],
  queue: ['appointments'],
  'patient-history': ['patients'],
  lifecycle: ['appointments', 'doctors', 'patient-history'],
  reports: ['queue'],
  metrics: ['core'],
  health: ['core'],
  display: ['core'],
  console: ['core'],
  'api-keys': ['auth'],
  webhooks: ['queue', 'doctors'],
  reminders: ['appointments'],
  calendar: ['appointments', 'doctors'],
  retention: ['webhooks'],
};

/** Every module `name` may import: its own layer and everything below it. */
function allowed(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of LAYERS[name]) allowed(dep, seen);
  return seen;
}

const features = Object.keys(LAYERS);
const escape = (s) => s.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&');

/** One `no-restricted-imports` block per module: relative imports of modules outside its allowed set are errors. */
export const boundaries = features.map((name) => {
  const ok = allowed(name);
  const forbidden = features.filter((f) => !ok.has(f));
  const patterns = [
    // `../../…` never leaves a module's folder legitimately (features are one level deep under server/).
    { regex: '^\\.\\./\\.\\./', message: 'Import server modules with ../<module>/, never from further up.' },
    {
      regex: '^\\.\\./(services|routes|app|main|models)(\\.js)?$',
      message: 'Only the composition root imports services, routes, app or models.',
    },
  ];
  if (forbidden.length) {
    patterns.push({
      regex: `^\\.\\./(${forbidden.map(escape).join('|')})/`,
      message: `${name}/ may import only ${[...ok].filter((f) => f !== name).join(', ') || 'nothing of ours'} (see LAYERS in eslint.config.mjs).`,
    });
  }
  return { files: [`server/${name}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', '.data/**', 'test/e2e/artifacts/**', 'server/**/public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      // Type-aware rules that catch real bugs in async, database-bound code.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
    },
  },
  {
    // Scripts and the bench print to the terminal on purpose; tests may use non-null assertions freely.
    files: ['scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    // Browser pages (plain scripts served as they are).
    files: ['server/**/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, io: 'readonly' } },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
  // The staff console is ES modules (import/export), loaded by <script type="module">.
  { files: ['server/console/public/**/*.js'], languageOptions: { sourceType: 'module' } },
  { files: ['**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  ...boundaries,
  prettier,
  {
    // Prettier wraps code at 140; comments and OpenAPI blocks are wrapped by hand, and this keeps them readable.
    rules: {
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
    },
  },
);
