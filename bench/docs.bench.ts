// The API documentation in Chromium against `liandong serve`: time from navigation to the first
// operation on screen, cold (a new browser profile) and warm (a reload), and the bytes
// transferred — for the reference page (`/api/docs`) and, as the baseline, Swagger UI
// (`/api/docs/ui`, which `/api/docs` was before). Prints a markdown section; run by bench/run.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { ROOT, serveArgs, startChild, stopChild } from './lib/child.ts';

const RUNS = Number(process.env.BENCH_DOCS_RUNS ?? 7);
const PAGES = [
  { name: 'floor: `/healthz` (a few bytes of JSON)', path: '/healthz', firstOperation: 'pre' },
  { name: '`/api/docs` (reference page)', path: '/api/docs', firstOperation: '.op summary' },
  { name: 'baseline: `/api/docs/ui` (Swagger UI)', path: '/api/docs/ui', firstOperation: '.opblock-summary' },
];

interface Load {
  ms: number;
  bytes: number;
  requests: number;
}

export async function runDocsBench(log: (s: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'liandong-bench-docs-'));
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const port = 19_000 + Math.floor(Math.random() * 1000);
    const base = `http://127.0.0.1:${port}`;
    server = await startChild(join(ROOT, 'packages/server/src/main.ts'), serveArgs(join(dir, 'docs.db'), port), {}, `${base}/readyz`);
    // The first request after a start renders the document and the page; later ones are served from memory.
    const first = performance.now();
    await fetch(`${base}/api/docs`);
    const firstMs = performance.now() - first;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const rows: string[] = [];
    let referenceMs = Infinity;
    for (const p of PAGES) {
      const cold: Load[] = [];
      const warm: Load[] = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        try {
          cold.push(await loadDocs(context, `${base}${p.path}`, p.firstOperation));
          warm.push(await loadDocs(context, `${base}${p.path}`, p.firstOperation));
        } finally {
          await context.close();
        }
        log(`  ${p.path} run ${i + 1}: cold ${cold[i]!.ms.toFixed(0)} ms, warm ${warm[i]!.ms.toFixed(0)} ms`);
      }
      rows.push(row(`${p.name}, cold (new profile)`, cold), row(`${p.name}, warm (reload)`, warm));
      if (p.path === '/api/docs') referenceMs = median(cold.map((l) => l.ms));
    }
    return [
      '## API documentation in Chromium',
      '',
      `\`liandong serve\` on 127.0.0.1; headless Chromium, 1440×900; time from the page's navigation start to the animation frame that has the first operation in the document (measured in the page); ${RUNS} runs each, median; load average at the start ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`,
      '',
      '| page, load | median | range | transferred |',
      '|---|---|---|---|',
      ...rows,
      '',
      `The first request after a start renders the document and the page (${firstMs.toFixed(0)} ms here); the runs above come after it.`,
      '',
      `Target: \`/api/docs\` shows its first operation in under 1 s cold — ${referenceMs < 1000 ? 'met' : 'NOT met'}.`,
      '',
    ].join('\n');
  } finally {
    await browser?.close();
    if (server) await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

const row = (name: string, loads: Load[]) =>
  `| ${name} | ${median(loads.map((l) => l.ms)).toFixed(0)} ms | ${Math.min(...loads.map((l) => l.ms)).toFixed(0)}–${Math.max(...loads.map((l) => l.ms)).toFixed(0)} ms | ${(median(loads.map((l) => l.bytes)) / 1024).toFixed(0)} KiB in ${median(loads.map((l) => l.requests))} requests |`;

async function loadDocs(context: BrowserContext, url: string, firstOperation: string): Promise<Load> {
  const page = await context.newPage();
  let bytes = 0;
  let requests = 0;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength;
    requests++;
  });
  try {
    await page.goto(url, { waitUntil: 'commit' });
    // Measured in the page (from its navigation start), checked on every animation frame: the
    // frame in which the first operation is in the document is the one that paints it.
    // (A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.)
    const ms = (await page.evaluate(
      `new Promise((resolve) => { const check = () => document.querySelector(${JSON.stringify(firstOperation)}) ? resolve(performance.now()) : requestAnimationFrame(check); check(); })`,
    )) as number;
    await page.waitForLoadState('load');
    return { ms, bytes, requests };
  } finally {
    await page.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
