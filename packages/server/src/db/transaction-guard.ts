import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseConnection, Dialect as KyselyDialect, DialectAdapter, Driver, Kysely } from 'kysely';

/**
 * A unit of work of `deps.writes.transaction` is running (in this async context) on the database
 * whose adapter is `adapter`; `open` turns false when the unit has finished, so work it started
 * and left running (which inherits the context) is not mistaken for the unit itself.
 */
interface OpenUnit {
  adapter: DialectAdapter;
  open: boolean;
}

const units = new AsyncLocalStorage<OpenUnit>();

export const TOP_LEVEL_DB_IN_UNIT =
  'deps.db was used inside deps.writes.transaction: use the transaction handle the unit of work is given ' +
  '(on SQLite the transaction holds the only connection, so a query through deps.db would wait for it forever)';

/** Runs `work` as a unit of work on `db`: while it runs, queries through the top-level `db` throw. */
export function runUnit<T>(db: Kysely<any>, work: () => Promise<T>): Promise<T> {
  const unit: OpenUnit = { adapter: db.getExecutor().adapter, open: true };
  return units.run(unit, async () => {
    try {
      return await work();
    } finally {
      unit.open = false;
    }
  });
}

/**
 * Wraps a Kysely dialect so that taking a connection from inside a unit of work of the write
 * batcher fails at once with a clear error. A transaction takes its connection before the unit
 * starts and runs every query on it; the only way a unit asks the driver for another connection
 * is a query (or a transaction) through the top-level `deps.db`. On SQLite that waits forever
 * for the single connection its own transaction holds; on PostgreSQL it would run outside the
 * transaction (not seeing its writes, and taking a second pooled connection per unit), so it is
 * refused on both.
 */
export function guardedDialect(inner: KyselyDialect): KyselyDialect {
  let adapter: DialectAdapter | undefined;
  return {
    createAdapter: () => (adapter = inner.createAdapter()),
    createDriver: () => {
      const driver = inner.createDriver();
      const acquire = async (): Promise<DatabaseConnection> => {
        const unit = units.getStore();
        if (unit?.open && unit.adapter === adapter) throw new Error(TOP_LEVEL_DB_IN_UNIT);
        return driver.acquireConnection();
      };
      // Methods are called on the driver itself (drivers keep their state in private fields).
      return new Proxy(driver, {
        get(target, prop) {
          if (prop === 'acquireConnection') return acquire;
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as Driver;
    },
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
  };
}
