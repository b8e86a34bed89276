// The web app in Chromium against `liandong serve` with the demo county (its two years of history):
// bytes transferred for the grid worker's phone view (390 px) and time to the plaza's first row,
// cold (a new browser profile), warm (a second load, assets from the cache) and returning (a third,
// when Chromium also has the compiled code). Bytes come from a load watched over the DevTools
// protocol, times from loads that are not (the watching slowed the page it watched: the first row
// came 15–30 % later). Prints a markdown section; run by bench/run.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { parseConfig } from '../packages/server/src/config.ts';
import { createRuntime } from '../packages/server/src/runtime.ts';
import { seedDemoCounty } from '../packages/server/src/demo/demo.ts';
import { ROOT, serveArgs, startChild, stopChild } from './lib/child.ts';

const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
};
const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 5);
const DAYS = Number(process.env.BENCH_WEB_DAYS ?? 730);
const PASSWORD = 'bench-password-2026';
const WEB_DIR = join(ROOT, 'packages/web/dist');
const FIRST_ROW = '[data-testid=events-table] tr.ant-table-row';
// An earlier build (a copy of packages/web/dist) to measure beside this one, on the same data in the
// same run: the ratio of the two is the figure to trust on a noisy machine.
const BEFORE_DIR = process.env.BENCH_WEB_BEFORE;

interface Load {
  firstRowMs: number;
  bytes: Record<'html' | 'js' | 'css' | 'api' | 'other', number>;
  requests: number;
}

export async function runWebBench(log: (s: string) => void): Promise<string> {
  log('  building the web app…');
  const build = spawnSync('npm', ['run', 'build', '-w', '@liandong/web', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('the web app did not build');
  const dist = distSizes();

  const dir = mkdtempSync(join(tmpdir(), 'liandong-bench-web-'));
  const file = join(dir, 'bench.db');
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startChild>> | undefined;
  let beforeServer: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    log(`  seeding the demo county (${DAYS} days of history)…`);
    const config = parseConfig({ http: {}, db: { url: file }, auth: {}, demo: {}, log: { level: 'warn' }, sms: {}, mqtt: { port: 0 } });
    const runtime = await createRuntime(config);
    const seeded = await seedDemoCounty(runtime.deps, { password: PASSWORD, seed: config.demo.seed, days: DAYS });
    const gridWorker = await runtime.deps.db
      .selectFrom('users')
      .select('username')
      .where('username', 'like', 'gw-%')
      .orderBy('username')
      .executeTakeFirstOrThrow();
    await runtime.close();

    const port = 19_000 + Math.floor(Math.random() * 1000);
    const base = `http://127.0.0.1:${port}`;
    server = await startChild(join(ROOT, 'packages/server/src/main.ts'), serveArgs(file, port, ['--web-dir', WEB_DIR]), {}, `${base}/readyz`);
    let beforeBase = '';
    if (BEFORE_DIR) {
      const beforePort = port + 1000;
      beforeBase = `http://127.0.0.1:${beforePort}`;
      beforeServer = await startChild(
        join(ROOT, 'packages/server/src/main.ts'),
        serveArgs(file, beforePort, ['--web-dir', BEFORE_DIR]),
        {},
        `${beforeBase}/readyz`,
      );
    }
    browser = await chromium.launch(CHROMIUM);
    const phone = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, locale: 'zh-CN' };
    const desktop = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' };
    const gwToken = await login(base, gridWorker.username);
    const adminToken = await login(base, 'admin');

    type Scenario = {
      name: string;
      base: string;
      token: string;
      context: Parameters<Browser['newContext']>[0];
      headers?: Record<string, string>;
      before?: boolean;
    };
    const scenarios: Scenario[] = [
      { name: `grid worker (\`${gridWorker.username}\`), phone 390×844`, base, token: gwToken, context: phone },
      { name: 'administrator (`admin`, whole county), desktop 1440×900', base, token: adminToken, context: desktop },
      { name: 'baseline: grid worker, phone, `Accept-Encoding: identity`', base, token: gwToken, context: phone, headers: { 'accept-encoding': 'identity' } },
      ...(BEFORE_DIR
        ? [
            { name: 'before (the earlier build): grid worker, phone 390×844', base: beforeBase, token: gwToken, context: phone, before: true },
            { name: 'before (the earlier build): administrator, desktop 1440×900', base: beforeBase, token: adminToken, context: desktop, before: true },
          ]
        : []),
    ];
    const loadBefore = loadavg()[0];
    // Runs interleave the scenarios (run 1 of each, then run 2…), so that a busy spell of the
    // machine falls on all of them alike.
    const results = scenarios.map(() => ({
      cold: [] as Load[],
      warm: [] as Load[],
      coldMs: [] as number[],
      warmMs: [] as number[],
      returningMs: [] as number[],
    }));
    const inContext = async <T>(s: Scenario, fn: (context: BrowserContext) => Promise<T>): Promise<T> => {
      const context = await browser!.newContext(s.context);
      try {
        if (s.headers) await context.setExtraHTTPHeaders(s.headers);
        return await fn(context);
      } finally {
        await context.close();
      }
    };
    for (let i = 0; i < RUNS; i++) {
      for (const [k, s] of scenarios.entries()) {
        const r = results[k];
        await inContext(s, async (context) => {
          r.cold.push(await loadPlaza(context, s.base, s.token, true));
          r.warm.push(await loadPlaza(context, s.base, s.token, true));
        });
        // Times: a browser with a profile on disk of its own, as a user's (an incognito context
        // keeps no compiled code once its page is closed).
        const profile = mkdtempSync(join(dir, 'profile-'));
        const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, ...s.context, extraHTTPHeaders: s.headers });
        try {
          r.coldMs.push((await loadPlaza(context, s.base, s.token, false)).firstRowMs);
          r.warmMs.push((await loadPlaza(context, s.base, s.token, false)).firstRowMs);
          r.returningMs.push((await loadPlaza(context, s.base, s.token, false)).firstRowMs);
        } finally {
          await context.close();
          rmSync(profile, { recursive: true, force: true });
        }
      }
    }
    const rows: string[] = [];
    const verdicts: string[] = [];
    const medians: number[] = [];
    for (const [k, s] of scenarios.entries()) {
      const { cold, warm, coldMs, warmMs, returningMs } = results[k];
      const c = summarize(cold);
      const w = summarize(warm);
      const firstRow = median(coldMs).toFixed(0);
      medians.push(Number(firstRow));
      const runs = coldMs.map((ms) => ms.toFixed(0)).join(', ');
      log(
        `  ${s.name}: cold ${firstRow} ms (${runs}), ${kb(c.total)}; warm ${median(warmMs).toFixed(0)} ms, ${kb(w.total)}; returning ${median(returningMs).toFixed(0)} ms`,
      );
      if (!s.headers && !s.before)
        verdicts.push(
          `${s.name.split(' (')[0]}: ${kb(c.total)}${s.context?.isMobile ? (c.total < 400 * 1024 ? ' ✅' : ' ❌') : ''}, first row ${firstRow} ms ${Number(firstRow) < 1000 ? '✅' : '❌'} (returning ${median(returningMs).toFixed(0)} ms)`,
        );
      rows.push(
        `| ${s.name} | **${kb(c.code)}** | ${kb(c.bytes.api)} | ${kb(c.total)} (${c.requests}) | **${firstRow} ms** (${runs}) | ${kb(w.total)} | ${median(warmMs).toFixed(0)} ms | ${median(returningMs).toFixed(0)} ms |`,
      );
    }

    return [
      `### Web app: first load and the plaza's first row (Chromium)`,
      '',
      `Command: \`npm run bench -- web\`. The production build (\`packages/web/dist\`, rebuilt by the benchmark) served by \`liandong serve\` (SQLite) with the demo county: ${seeded.counts.events?.toLocaleString() ?? '?'} events over ${DAYS} days. Debian's Chromium ${browser.version()}, headless, through playwright-core, on the same machine as the server (loopback: no network latency). Each run opens a new browser profile (empty cache) signed in (the session token in local storage, as after a sign-in) at \`/plaza\`; *cold* is that first load, *warm* a second load in the same profile (assets from its cache), *returning* a third (Chromium keeps the compiled code of scripts run before, so they are not parsed again: the daily user's case). Bytes are what went over the wire (DevTools' \`encodedDataLength\`: compressed bodies and headers) until the first row was shown and no request was pending, counted in a profile of their own; the event stream (SSE) is left out. Times come from a second new profile, on disk as a user's browser keeps it (an incognito context forgets the compiled code when its page closes), and are not watched over the DevTools protocol (watching slowed the page). Time is from the start of navigation to the first row of the events table in the DOM. ${RUNS} runs each; medians, with every run's time in brackets.`,
      '',
      '| view | app code (HTML, JS, CSS) | API | all (requests) | first row, cold | all, warm | first row, warm | first row, returning |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Targets: the phone view's first load (all of it) under 400 KB compressed; the first row in under 1 s. Medians of this run: ${verdicts.join('; ')}.`,
      '',
      ...(BEFORE_DIR
        ? [
            `Before and after in this run (\`BENCH_WEB_BEFORE=${BEFORE_DIR}\`, the earlier build served by a second server on the same database; runs interleaved): first row cold, phone ${medians[3]} → ${medians[0]} ms (**${(medians[0] / medians[3]).toFixed(2)}×**), desktop ${medians[4]} → ${medians[1]} ms (**${(medians[1] / medians[4]).toFixed(2)}×**). Load average (1 min) on 2 cores: ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`,
            '',
          ]
        : [`Load average (1 min) on 2 cores: ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`, '']),
      `The build: ${dist.files} JavaScript files, ${kb(dist.js)} of JavaScript (${kb(dist.jsBr)} brotli, ${kb(dist.jsGz)} gzip), ${kb(dist.css)} of CSS. Each page is its own chunk (\`React.lazy\`) with the Ant Design components only it uses; what the shell and most pages share (Ant Design's style engine, utilities and common components, React Query, i18next, dayjs) is one \`base\` chunk instead of some thirty small requests; the plaza's chunks are modulepreloaded on \`/plaza\`; the Ant Design styles of the first screen (the shell and the phone's plaza) are a CSS file made at build time (\`scripts/first-screen-css.mjs\`), which Ant Design finds instead of writing them at run time; the plaza renders its first page of events in its first pass (prefetched into the query cache from the early request, its page module taken at once when it has arrived); \`GET /me\` and the plaza's first page of events are requested by a script in \`index.html\` while the code loads; English texts are a chunk fetched when English is chosen; ECharts (${kb(dist.echartsBr)} brotli) and the boundaries are fetched only when a map is on screen, and the unit tree only when the filters are open, so the phone's list view goes without them. Assets are precompressed at build time (brotli quality 11 and gzip 9, \`vite.config.ts\`) and sent by \`Accept-Encoding\`; hashed assets are cached for a year as immutable, \`index.html\` is revalidated (\`no-cache\`), so a warm load fetches only the page and the API.`,
      '',
    ].join('\n');
  } finally {
    await browser?.close();
    if (server) await stopChild(server);
    if (beforeServer) await stopChild(beforeServer);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** One load of /plaza in the context: time to the first row and the bytes of every response. */
async function loadPlaza(context: BrowserContext, base: string, token: string, watch: boolean): Promise<Load> {
  const page = await context.newPage();
  await page.addInitScript((t) => {
    localStorage.setItem('liandong.token', t);
    const w = window as unknown as { __firstRow?: number };
    new MutationObserver((_, obs) => {
      if (document.querySelector('[data-testid=events-table] tr.ant-table-row')) {
        w.__firstRow = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, token);
  const bytes: Load['bytes'] = { html: 0, js: 0, css: 0, api: 0, other: 0 };
  let requests = 0;
  let lastActivity = Date.now();
  const pending = new Set<string>();
  const cdp = watch ? await context.newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Network.enable');
    const kinds = new Map<string, keyof Load['bytes']>();
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.type === 'EventSource' || e.request.url.includes('/api/v1/stream')) return;
      pending.add(e.requestId);
      lastActivity = Date.now();
      const url = new URL(e.request.url);
      kinds.set(
        e.requestId,
        url.pathname.startsWith('/api/')
          ? 'api'
          : /\.js$/.test(url.pathname)
            ? 'js'
            : /\.css$/.test(url.pathname)
              ? 'css'
              : e.type === 'Document'
                ? 'html'
                : 'other',
      );
    });
    const done = (id: string, length: number) => {
      const kind = kinds.get(id);
      if (!kind || !pending.delete(id)) return;
      bytes[kind] += length;
      requests++;
      lastActivity = Date.now();
    };
    cdp.on('Network.loadingFinished', (e) => done(e.requestId, e.encodedDataLength));
    cdp.on('Network.loadingFailed', (e) => done(e.requestId, 0));
  }

  await page.goto(`${base}/plaza`);
  await page.waitForSelector(FIRST_ROW, { timeout: 30_000 });
  const firstRowMs = await page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow);
  // Settled: nothing pending for half a second (the page may fetch more after its first row).
  // Unwatched, a second: Chromium writes the compiled code to its cache after the scripts ran.
  const deadline = Date.now() + (cdp ? 10_000 : 1_000);
  while ((pending.size > 0 || Date.now() - lastActivity < 500 || !cdp) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await cdp?.detach();
  await page.close();
  return { firstRowMs, bytes, requests };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function summarize(loads: Load[]) {
  const med = median;
  const pick = (k: keyof Load['bytes']) => med(loads.map((l) => l.bytes[k]));
  const bytes = { html: pick('html'), js: pick('js'), css: pick('css'), api: pick('api'), other: pick('other') };
  return {
    bytes,
    code: med(loads.map((l) => l.bytes.html + l.bytes.js + l.bytes.css)),
    total: med(loads.map((l) => Object.values(l.bytes).reduce((a, b) => a + b, 0))),
    requests: med(loads.map((l) => l.requests)),
  };
}

function distSizes() {
  const assets = join(WEB_DIR, 'assets');
  const names = readdirSync(assets);
  const size = (n: string) => statSync(join(assets, n)).size;
  const js = names.filter((n) => n.endsWith('.js'));
  const sum = (ns: string[]) => ns.reduce((a, n) => a + size(n), 0);
  const echarts = js.filter((n) => n.startsWith('echarts-'));
  return {
    files: js.length,
    js: sum(js),
    jsBr: sum(js.map((n) => `${n}.br`).filter((n) => names.includes(n))),
    jsGz: sum(js.map((n) => `${n}.gz`).filter((n) => names.includes(n))),
    css: sum(names.filter((n) => n.endsWith('.css'))),
    echartsBr: sum(echarts.map((n) => `${n}.br`).filter((n) => names.includes(n))),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
