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

export interface Runtime {
  deps: AppDeps;
  database: DatabaseHandle;
  close(): Promise<void>;
}

/** Opens the database, applies migrations and loads the territory: everything `serve` and tests need. */
export async function createRuntime(
  config: Config,
  overrides: { clock?: Clock; ids?: Ids; logger?: Logger; database?: DatabaseHandle } = {},
): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger({ level: config.log.level, pretty: config.log.pretty });
  const database = overrides.database ?? openDatabase(config.db.url);
  await migrateToLatest(database.db);
  await ensureBuiltinProcesses(database.db, (overrides.clock ?? systemClock).now().toISOString());
  const territory = await loadTerritory(database.db, logger);
  const reads = createReads(database);
  const deps: AppDeps = {
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
  };
  return {
    deps,
    database,
    close: async () => {
      await reads.close();
      await database.close();
    },
  };
}
