import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './db/database.ts';
import { createWriteBatcher } from './db/write-batcher.ts';
import { createReads } from './db/read-pool.ts';
import type { AppDeps } from './deps.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { defaultIds, type Ids } from './lib/ids.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { createMetricsRegistry } from './modules/system/system.routes.ts';
import { loadTerritory } from './modules/org/territory.service.ts';
import { ensureBuiltinProcesses } from './engine/runtime/definition-store.ts';
import { createEngineHost, PROCESS_CATALOG, type EngineHostDeps } from './modules/processes/engine-host.ts';
import { startScheduler } from './engine/runtime/scheduler.ts';
import { createCaches, subscribeCacheInvalidation, type Caches } from './caches.ts';
import { isPostgresUrl } from './db/database.ts';
import { PgBus } from './db/pg-bus.ts';
import { LocalBus, type Bus } from './lib/bus.ts';
import { startDispatcher } from './modules/notify/dispatcher.ts';
import { startLinkageWorker } from './modules/notify/linkage.worker.ts';
import type { SmsProvider } from './modules/notify/notify.types.ts';
import { LiveStream } from './modules/stream/stream.bus.ts';

/**
 * One node: its database, bus, caches and live stream, and — once startWorkers ran (`serve`) —
 * its background workers. Everything a node runs is started here and stopped by close(), in
 * order: workers first (they write, publish and read caches), then the live stream, the bus,
 * the read pool and the database. Nothing keeps running after close().
 */
export interface Runtime {
  deps: AppDeps;
  database: DatabaseHandle;
  bus: Bus;
  caches: Caches;
  stream: LiveStream;
  /** The background workers of `serve`: linkage, the SMS dispatcher, the process scheduler. */
  startWorkers(opts: { smsProvider: SmsProvider; linkagePollMs?: number; schedulerPollMs?: number; dispatcherPollMs?: number }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations and loads the territory: everything `serve` and tests
 * need. On PostgreSQL (`config.db.url` postgres://…) the bus is LISTEN/NOTIFY on a connection of
 * its own, so every node of the installation hears every other; otherwise in-process.
 */
export async function createRuntime(
  config: Config,
  overrides: { clock?: Clock; ids?: Ids; logger?: Logger; database?: DatabaseHandle; bus?: Bus } = {},
): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger({ level: config.log.level, pretty: config.log.pretty });
  const database = overrides.database ?? openDatabase(config.db.url);
  await migrateToLatest(database.db);
  await ensureBuiltinProcesses(database.db, (overrides.clock ?? systemClock).now().toISOString(), PROCESS_CATALOG);
  const territory = await loadTerritory(database.db, logger);
  const reads = createReads(database);
  let bus: Bus;
  if (overrides.bus) bus = overrides.bus;
  else if (database.dialect === 'postgres' && isPostgresUrl(config.db.url)) {
    const pgBus = new PgBus({ url: config.db.url, logger });
    await pgBus.start();
    bus = pgBus;
  } else bus = new LocalBus((err, topic) => logger.error({ err, topic }, 'bus subscriber failed'));
  const caches = createCaches(bus);
  const unsubscribeCaches = subscribeCacheInvalidation(bus, caches);
  const stream = new LiveStream({ bus, db: database.db, territory, logger });
  stream.start();
  const base: EngineHostDeps = {
    config,
    db: database.db,
    dialect: database.dialect,
    writes: createWriteBatcher(database.db, database.dialect),
    reads,
    clock: overrides.clock ?? systemClock,
    ids: overrides.ids ?? defaultIds,
    logger,
    territory,
    metrics: createMetricsRegistry(),
    secret: config.auth.secret ?? randomBytes(32).toString('hex'),
    bus,
    caches,
    stream,
  };
  // The engine's host is built from the deps object it becomes part of.
  const deps: AppDeps = Object.assign(base, { engineHost: createEngineHost(base) });
  const workers: Array<{ stop(): Promise<void> }> = [];
  let closing: Promise<void> | null = null;
  return {
    deps,
    database,
    bus,
    caches,
    stream,
    async startWorkers(opts) {
      if (workers.length) throw new Error('workers already started');
      // Timers that fell due while the node was down fire now, then every 200 ms.
      workers.push(startScheduler(deps, opts.schedulerPollMs));
      workers.push(startLinkageWorker(deps, opts.linkagePollMs));
      workers.push(await startDispatcher(deps, opts.smsProvider, opts.dispatcherPollMs ? { pollMs: opts.dispatcherPollMs } : {}));
    },
    close: () =>
      (closing ??= (async () => {
        for (const w of workers.splice(0)) await w.stop();
        stream.stop();
        unsubscribeCaches();
        await bus.close();
        await reads.close();
        await database.close();
      })()),
  };
}
