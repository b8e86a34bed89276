import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { UUID } from 'uuidv7';
import { seededRandom } from '../../packages/server/src/lib/geo/synthetic-tiling.ts';

export interface GridChain {
  countyId: string;
  townshipId: string;
  villageId: string;
  gridId: string;
  lng: number;
  lat: number;
}

/** The same seeded PRNG as the tests' tilings, so every run stores the same history. */
export const prng = seededRandom;

const OPEN_STATUSES = ['reported', 'accepted', 'dispatched', 'in_progress', 'awaiting_verification'];

/**
 * Stores `count` historical events straight into a SQLite file (events, their lead unit and two
 * timeline entries each), spread over the `days` before `endMs` with time-ordered UUIDv7 ids, ~3 % open.
 * Bypasses the service on purpose: this builds the "already stored" state the benchmarks start from.
 */
export function populateEvents(
  sqlite: Database.Database,
  opts: { count: number; grids: GridChain[]; categories: string[]; endMs: number; days: number; seed?: number; onProgress?: (done: number) => void },
): void {
  const rnd = prng(opts.seed ?? 42);
  const insertEvent = sqlite.prepare(
    `insert into events (id, code, category_code, title, description, status, is_open, closing_kind, urgency, source, external_id,
      lng, lat, address, county_id, township_id, village_id, grid_id, lead_unit_id, reporter_user_id, reporter_name, reporter_phone,
      tracking_token, occurred_at, created_at, updated_at, closed_at, due_at, supervised, urge_count, duplicate_count, rating_score, version)
     values (?, ?, ?, ?, null, ?, ?, ?, 'normal', ?, null, ?, ?, null, ?, ?, ?, ?, ?, null, null, null, ?, ?, ?, ?, ?, null, 0, 0, 0, null, 1)`,
  );
  const insertUnit = sqlite.prepare(`insert into event_units (event_id, org_unit_id, role, created_at) values (?, ?, 'lead', ?)`);
  const insertTimeline = sqlite.prepare(
    `insert into event_timeline (id, event_id, seq, at, kind, actor_user_id, actor_name, org_unit_id, data) values (?, ?, ?, ?, ?, null, null, ?, ?)`,
  );
  const sources = ['patrol', 'patrol', 'patrol', 'video', 'iot', 'citizen', 'hotline', 'deputy', 'officer'];
  const spanMs = opts.days * 86_400_000;
  const startMs = opts.endMs - spanMs;
  const step = spanMs / opts.count;
  const perDay = new Map<string, number>();
  const idAt = (ms: number) => UUID.fromFieldsV7(ms, Math.floor(rnd() * 4096), Math.floor(rnd() * 2 ** 30), Math.floor(rnd() * 2 ** 32)).toString();
  const batch = 10_000;
  for (let done = 0; done < opts.count;) {
    const n = Math.min(batch, opts.count - done);
    sqlite.transaction(() => {
      for (let i = 0; i < n; i++) {
        const k = done + i;
        const t = Math.floor(startMs + k * step);
        const id = idAt(t);
        const g = opts.grids[Math.floor(rnd() * opts.grids.length)];
        const created = new Date(t).toISOString();
        const day = created.slice(0, 10).replace(/-/g, '');
        const seq = (perDay.get(day) ?? 0) + 1;
        perDay.set(day, seq);
        const code = `${day}${String(seq).padStart(5, '0')}`;
        const recent = k > opts.count * 0.97;
        const status = recent ? OPEN_STATUSES[Math.floor(rnd() * OPEN_STATUSES.length)] : 'closed';
        const closedAt = status === 'closed' ? new Date(t + 3_600_000 * (1 + rnd() * 48)).toISOString() : null;
        const category = opts.categories[Math.floor(rnd() * opts.categories.length)];
        insertEvent.run(
          id,
          code,
          category,
          `历史事件 ${code}`,
          status,
          status === 'closed' ? 0 : 1,
          status === 'closed' ? 'normal' : null,
          sources[Math.floor(rnd() * sources.length)],
          g.lng + (rnd() - 0.5) * 1e-4,
          g.lat + (rnd() - 0.5) * 1e-4,
          g.countyId,
          g.townshipId,
          g.villageId,
          g.gridId,
          g.villageId,
          randomBytes(12).toString('base64url'),
          created,
          created,
          closedAt ?? created,
          closedAt,
        );
        insertUnit.run(id, g.villageId, created);
        insertTimeline.run(idAt(t), id, 1, created, 'reported', g.gridId, '{}');
        if (closedAt) insertTimeline.run(idAt(Date.parse(closedAt)), id, 2, closedAt, 'closed', g.villageId, '{"closingKind":"normal"}');
      }
    })();
    done += n;
    opts.onProgress?.(done);
  }
  // Keep day counters consistent so new events get fresh codes.
  const upsert = sqlite.prepare(
    `insert into event_code_counters (day, last_seq) values (?, ?) on conflict(day) do update set last_seq = max(last_seq, excluded.last_seq)`,
  );
  sqlite.transaction(() => {
    for (const [day, seq] of perDay) upsert.run(day, seq);
  })();
}
