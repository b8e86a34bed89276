#!/usr/bin/env node
// Proves that the test run's PostgreSQL set-up (packages/server/src/testing/test-postgres.mjs)
// starts wherever a user keeps the checkout (issue: `npm test` failed for root in a private
// folder). Run by .ci/run before the suites:
//  1. as the user running this (root in CI), with the binaries under a folder of mode 700;
//  2. as root: as an unprivileged user too (`liandong-ci`, created when missing), from that
//     user's own mode-700 folder holding a copy of the set-up script and the binaries.
// Each case connects to the server it started and asks for its version.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { defaultBinariesDir, startTestPostgres } from '../packages/server/src/testing/test-postgres.mjs';

const setupScript = join(dirname(fileURLToPath(import.meta.url)), '../packages/server/src/testing/test-postgres.mjs');
const UNPRIVILEGED = 'liandong-ci';
let failures = 0;

async function version(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query('select version() as v');
    return String(r.rows[0].v).split(' on ')[0];
  } finally {
    await client.end();
  }
}

async function check(title, fn) {
  try {
    console.log(`✓ ${title}: ${await fn()}`);
  } catch (err) {
    failures++;
    console.error(`✗ ${title}: ${err instanceof Error ? err.message : err}`);
  }
}

function privateCopyOfBinaries(owner) {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-private-'));
  if (statSync(dir).mode & 0o077) throw new Error(`${dir} is not private`);
  cpSync(defaultBinariesDir(), join(dir, 'native'), { recursive: true, verbatimSymlinks: true });
  cpSync(setupScript, join(dir, 'test-postgres.mjs'));
  if (owner) {
    spawnSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir], { stdio: 'inherit' });
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  return dir;
}

function unprivilegedUser() {
  const look = () => {
    const uid = spawnSync('id', ['-u', UNPRIVILEGED], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', UNPRIVILEGED], { encoding: 'utf8' });
    return uid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : undefined;
  };
  if (look()) return look();
  const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', UNPRIVILEGED], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not create the user ${UNPRIVILEGED}: ${r.stderr.trim()}`);
  return look();
}

/** Runs the copied set-up script as `user` from its own private folder; answers the URL it printed. */
async function startAs(user, dir) {
  const child = spawn('runuser', ['-u', UNPRIVILEGED, '--', process.execPath, join(dir, 'test-postgres.mjs'), join(dir, 'native')], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the set-up exited (${code}): ${stderr.trim()}`)));
  });
  const { url, user: who } = JSON.parse(line);
  return {
    url,
    who,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.stdin.end();
      }),
  };
}

const me = userInfo().username;

await check(`as ${me}, binaries under a mode-700 folder`, async () => {
  const dir = privateCopyOfBinaries();
  try {
    const server = await startTestPostgres({ binDir: join(dir, 'native') });
    try {
      return `${await version(server.url)} (${dir})`;
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

if (process.getuid?.() === 0) {
  await check(`as the unprivileged user ${UNPRIVILEGED}, from its own mode-700 folder`, async () => {
    const user = unprivilegedUser();
    const dir = privateCopyOfBinaries(user);
    try {
      const server = await startAs(user, dir);
      try {
        if (server.who !== UNPRIVILEGED) throw new Error(`the set-up ran as ${server.who}`);
        return `${await version(server.url)} (${dir})`;
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  console.log(`- not root: the run as ${me} above is the unprivileged case`);
}

console.log(`${failures === 0 ? '✓' : '✗'} PostgreSQL set-up check: ${failures} failed`);
process.exit(failures ? 1 : 0);
