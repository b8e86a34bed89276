import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { DataScopeFilter } from './scope.ts';

const COLUMN_OF_KIND = { county: 'events.county_id', township: 'events.township_id', village: 'events.village_id', grid: 'events.grid_id' } as const;

/**
 * The SQL form of `canSeeEvent` for the `events` table, so the plaza and every list filter in
 * the database exactly as the pure rule decides for one event:
 * `query.where((eb) => whereEventInScope(eb, dataScopeOf(principal)))`.
 */
export function whereEventInScope<DB extends Database, TB extends 'events'>(eb: ExpressionBuilder<DB, TB>, scope: DataScopeFilter): Expression<SqlBool> {
  if (scope.all) return sql<SqlBool>`1 = 1`;
  const e = eb as unknown as ExpressionBuilder<Database, 'events'>;
  const ors: Expression<SqlBool>[] = [];
  for (const kind of ['county', 'township'] as const) {
    const ids = scope.territorial.filter((t) => t.kind === kind).map((t) => t.id);
    if (ids.length) ors.push(e(COLUMN_OF_KIND[kind], 'in', ids));
  }
  // Villages and grids are found through the township index, which carries their ids (one index
  // fewer to update per event); naming the township, implied by the unit, lets the planner use it.
  for (const t of scope.territorial) {
    if (t.kind !== 'village' && t.kind !== 'grid') continue;
    const townshipId = t.path.split('/').filter(Boolean)[1];
    ors.push(e.and([e('events.township_id', '=', townshipId), e(COLUMN_OF_KIND[t.kind], '=', t.id)]));
  }
  if (scope.ownUserId !== null) ors.push(e('events.reporter_user_id', '=', scope.ownUserId));
  if (scope.departmentUnitIds.length) {
    ors.push(
      e.exists(
        e
          .selectFrom('event_units')
          .select('event_units.event_id')
          .whereRef('event_units.event_id', '=', 'events.id')
          .where('event_units.org_unit_id', 'in', scope.departmentUnitIds),
      ),
    );
  }
  if (ors.length === 0) return sql<SqlBool>`1 = 0`;
  return e.or(ors);
}
