import type { Registry } from 'prom-client';
import type { Caches } from './caches.ts';
import type { Config } from './config.ts';
import type { Db, Dialect } from './db/database.ts';
import type { Reads } from './db/read-pool.ts';
import type { WriteBatcher } from './db/write-batcher.ts';
import type { Bus } from './lib/bus.ts';
import type { EngineHost } from './engine/host.ts';
import type { Clock } from './lib/clock.ts';
import type { Ids } from './lib/ids.ts';
import type { Logger } from './lib/logger.ts';
import type { Territory } from './modules/org/territory.ts';
import type { LiveStream } from './modules/stream/stream.bus.ts';

/**
 * Everything a use-case may touch, passed explicitly. No container, no globals:
 * tests build this with a fake clock and a fresh database. The bus, the caches and the live
 * stream are members of the runtime (runtime.ts), one of each per node.
 */
export interface AppDeps {
  config: Config;
  db: Db;
  dialect: Dialect;
  /** Transactions for hot write paths: group commit on SQLite, one transaction each on PostgreSQL. */
  writes: WriteBatcher;
  /** Heavy reads (large plaza filters, exports, statistics): off the writing connection on SQLite (db/read-pool.ts). */
  reads: Reads;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  territory: Territory;
  metrics: Registry;
  /** HMAC secret for cursors and other signed values (random per process unless configured). */
  secret: string;
  /** Messages between the nodes of the installation (in-process, or PostgreSQL LISTEN/NOTIFY). */
  bus: Bus;
  /** This node's caches; every node's are dropped when any node changes what they hold. */
  caches: Caches;
  /** SSE clients of this node and the live updates of every node. */
  stream: LiveStream;
  /** The modules' side of the process engine (modules/processes/engine-host.ts), built by the runtime. */
  engineHost: EngineHost;
}
