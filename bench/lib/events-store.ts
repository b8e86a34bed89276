// The store the SQLite benchmarks start from: the demo county (territory, users, catalogue)
// without its history, and then `stored` events written straight into the file.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '../../packages/server/src/config.ts';
import { createRuntime } from '../../packages/server/src/runtime.ts';
import { seedDemoCounty } from '../../packages/server/src/demo/demo.ts';
import { populateEvents, prng, type GridChain } from './populate.ts';
import { ROOT } from './child.ts';

export interface EventsStore {
  /** Grids whose centroid lies inside them (checked with locate): points reports can use. */
  grids: GridChain[];
  /** Leaf categories without dedup or confirmation. */
  categories: string[];
}

/**
 * Builds the store in `file`: about a minute for 1,000,000 events. BENCH_STORE_CACHE=dir keeps
 * a copy between runs (named by the count and the migrations, so a copy never outlives its schema).
 */
export async function buildEventsStore(file: string, opts: { stored: number; password: string; log: (s: string) => void }): Promise<EventsStore> {
  const { stored, log } = opts;
  const config = parseConfig({ http: {}, db: { url: file }, auth: {}, demo: {}, log: { level: 'warn' }, sms: {}, mqtt: { port: 0 } });
  const runtime = await createRuntime(config);
  await seedDemoCounty(runtime.deps, { password: opts.password, seed: 20261128, days: 0 });
  await runtime.deps.territory.reload();
  const gridRows = await runtime.deps.db.selectFrom('org_units').select(['id', 'path', 'centroid_lng', 'centroid_lat']).where('kind', '=', 'grid').execute();
  const grids: GridChain[] = gridRows
    .filter((g) => g.centroid_lng !== null && runtime.deps.territory.locate(g.centroid_lng!, g.centroid_lat!)?.grid.id === g.id)
    .map((g) => {
      const [countyId, townshipId, villageId, gridId] = g.path.split('/').filter(Boolean);
      return { countyId, townshipId, villageId, gridId, lng: g.centroid_lng!, lat: g.centroid_lat! };
    });
  const cats = await runtime.deps.db
    .selectFrom('categories')
    .select('code')
    .where('parent_code', 'is not', null)
    .where('dedup_window_minutes', '=', 0)
    .where('requires_confirmation', '=', 0)
    .execute();
  const categories = cats.map((c) => c.code);
  await runtime.close();
  log(`  storing ${stored.toLocaleString()} events…`);
  const cached = process.env.BENCH_STORE_CACHE ? join(process.env.BENCH_STORE_CACHE, `events-${stored}-${schemaHash()}.db`) : null;
  if (cached && existsSync(cached)) {
    copyFileSync(cached, file);
    // Flushed now: else the kernel writes the copy's 1.7 GB back during the measured runs.
    const fd = openSync(file, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    log(`  store copied from ${cached}`);
  } else {
    const sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = OFF');
    const t0 = Date.now();
    populateEvents(sqlite, {
      count: stored,
      grids,
      categories,
      endMs: Date.now() - 60_000,
      days: 730,
      onProgress: (d) => d % 200_000 === 0 && log(`    ${d.toLocaleString()}`),
    });
    sqlite.exec('ANALYZE');
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.close();
    log(`  stored in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (cached) {
      mkdirSync(dirname(cached), { recursive: true });
      copyFileSync(file, cached);
    }
  }
  return { grids, categories };
}

/** Request bodies: patrol reports at points inside grids, categories without dedup. */
export function reportBodies(store: EventsStore, n = 20_000): string[] {
  const rnd = prng(7);
  return Array.from({ length: n }, (_, i) => {
    const g = store.grids[Math.floor(rnd() * store.grids.length)];
    return JSON.stringify({
      category: store.categories[Math.floor(rnd() * store.categories.length)],
      title: `巡查发现问题 ${i}`,
      description: '网格员巡查上报',
      location: { lng: g.lng, lat: g.lat, address: '测试地址' },
      source: 'patrol',
    });
  });
}

/** Changes when a migration changes, so a cached store never outlives its schema. */
function schemaHash(): string {
  const dir = join(ROOT, 'packages/server/src/db/migrations');
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}
