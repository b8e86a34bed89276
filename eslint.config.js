// ESLint for the whole repository (`npm run lint`; `npm test` runs it with --max-warnings 0).
// typescript-eslint's strict preset everywhere, React's hooks rules in the web app, Prettier's
// formatting left to Prettier (eslint-config-prettier), and the import boundaries of issue 12:
// - packages/server/src/engine/** imports nothing from modules/ (the engine knows only its host);
// - nothing imports demo/ or testing/ but tests, bench/, e2e/, the CLI entry (main.ts) and
//   demo/ and testing/ folders themselves; a module's `*.demo.ts` belongs to the demo and a module's
//   `*.test-helpers.ts` to the tests, and are bound the same way;
// - config.ts imports nothing from modules/.
// packages/server/src/testing/lint-boundaries.test.ts proves that each boundary still fires.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

const SERVER = 'packages/server/src';

/** The boundaries, each a `no-restricted-imports` pattern (matched on the import's specifier). */
export const BOUNDARIES = {
  modules: { regex: '(^|/)modules/', message: 'Boundary: the engine and config.ts import nothing from modules/ (issue 12).' },
  demo: { regex: '(^|/)demo/|\\.demo(\\.ts)?$', message: 'Boundary: only tests, bench/, e2e/, main.ts and the demo itself import demo code (issue 12).' },
  testing: {
    regex: '(^|/)testing/|\\.test-helpers(\\.ts)?$',
    message: 'Boundary: only tests, bench/, e2e/, main.ts, demo/ and testing/ import test code (issue 12).',
  },
};

/**
 * The rules for one group of files: `no-restricted-imports` for static imports and re-exports,
 * `no-restricted-syntax` for `import()`. A later group's entry replaces an earlier one's, so each
 * lists all it forbids.
 */
const restrict = (...names) => ({
  'no-restricted-imports': ['error', { patterns: names.map((n) => BOUNDARIES[n]) }],
  'no-restricted-syntax': [
    'error',
    ...names.map((n) => ({ selector: `ImportExpression[source.value=/${BOUNDARIES[n].regex.replaceAll('/', '\\/')}/]`, message: BOUNDARIES[n].message })),
  ],
});
const unrestricted = { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' };

const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/*.test-helpers.ts'];

export default defineConfig(
  {
    ignores: ['**/node_modules/', '**/dist/', 'data/', '.tmp/', 'coverage/', 'test-results/'],
  },
  js.configs.recommended,
  tseslint.configs.strict,
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Indexed access where the index is known to be in range (loops over length, pairs of a
      // ring, a Map read right after `has`): TypeScript cannot see it and `!` says it.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `_`-prefixed names are the code's way to say "deliberately unused".
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Migrations are written against no schema type (they must not follow today's schema), and
    // the database helpers serve every schema: `Kysely<any>` is kysely's way to say both.
    files: [`${SERVER}/db/**/*.ts`],
    ignores: TESTS,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['packages/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    // The rules of hooks. The plugin's recommended set adds the React Compiler's rules (refs,
    // purity, set-state-in-effect, …): the app does not run the compiler, and the patterns they
    // refuse (a ref holding the latest props, setState in an effect) are sound without it.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },

  // Import boundaries (issue 12).
  {
    files: ['packages/**/*.{ts,tsx,mts,js,mjs,cjs}'],
    ignores: TESTS,
    rules: restrict('demo', 'testing'),
  },
  {
    files: [`${SERVER}/engine/**`],
    ignores: TESTS,
    rules: restrict('modules', 'demo', 'testing'),
  },
  {
    files: [`${SERVER}/config.ts`],
    rules: restrict('modules', 'demo', 'testing'),
  },
  {
    files: [`${SERVER}/demo/**`, `${SERVER}/**/*.demo.ts`],
    ignores: TESTS,
    rules: restrict('testing'),
  },
  {
    // The CLI entry and the test set-up may import the demo and the test code.
    files: [`${SERVER}/main.ts`, `${SERVER}/**/testing/**`],
    rules: unrestricted,
  },
  {
    // The engine's own test set-up (its fake host) is still engine code.
    files: [`${SERVER}/engine/**/testing/**`],
    ignores: TESTS,
    rules: restrict('modules'),
  },

  prettier,
);
