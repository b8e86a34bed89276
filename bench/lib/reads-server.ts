// The read benchmark's server: Liandong as `serve` runs it (app, linkage, SMS dispatcher to the
// inbox, scheduler), plus a loop that runs an aggregate over every event, one query after the
// other, through the read pool (`pool`), on the writing connection (`main`), or not at all
// (`none`). GET /bench/reads-loop ends the loop and answers its figures.
// Arguments: <db file> <port> <none|pool|main>.
import { setImmediate as turn } from 'node:timers/promises';
import { parseConfig } from '../../packages/server/src/config.ts';
import { buildApp } from '../../packages/server/src/app.ts';
import { createRuntime } from '../../packages/server/src/runtime.ts';
import { createSmsProvider } from '../../packages/server/src/modules/notify/providers/index.ts';

const [file, portArg, mode] = process.argv.slice(2) as [string, string, 'none' | 'pool' | 'main'];
const port = Number(portArg);
const config = parseConfig({ http: { port, host: '127.0.0.1' }, db: { url: file }, auth: {}, demo: {}, log: { level: 'warn' }, sms: {}, mqtt: { port: 0 } });
const runtime = await createRuntime(config);
const { deps } = runtime;
const smsProvider = createSmsProvider('inbox', { logger: deps.logger, clock: deps.clock, ids: deps.ids });
const app = await buildApp(deps);
// The background work of `serve` (linkage, the SMS dispatcher, the scheduler); close() stops it.
await runtime.startWorkers({ smsProvider });

/** The statistics module's kind of query: counts by township × status × category over all events. */
const aggregate = deps.db
  .selectFrom('events')
  .select((eb) => ['township_id', 'status', 'category_code', eb.fn.countAll<number>().as('n')])
  .groupBy(['township_id', 'status', 'category_code']);
const durations: number[] = [];
let groups = 0;
let counted = 0;
let running = mode !== 'none';
const loop = (async () => {
  while (running) {
    const t0 = performance.now();
    const rows = mode === 'pool' ? await deps.reads.query(aggregate) : await aggregate.execute();
    durations.push(performance.now() - t0);
    groups = rows.length;
    counted = rows.reduce((s, r) => s + Number(r.n), 0);
    // As a client asking again at once would: the next query waits for one turn of the event loop.
    await turn();
  }
})();

// The loop's figures, and the end of the loop. Asked over HTTP: a signal would not do, since tsx
// kills a child whose event loop does not answer its relayed signal within 30 ms (as with the
// loop on the writing connection).
app.get('/bench/reads-loop', async () => {
  running = false;
  await loop;
  durations.sort((a, b) => a - b);
  const q = (p: number) => durations[Math.min(durations.length - 1, Math.floor(p * durations.length))] ?? null;
  return { mode, queries: durations.length, p50: q(0.5), max: durations.at(-1) ?? null, groups, counted };
});
await app.listen({ host: '127.0.0.1', port });

process.once('SIGTERM', () => {
  void (async () => {
    running = false;
    await loop;
    await app.close();
    await runtime.close();
    process.exit(0);
  })();
});
