import type { EventsTable, EventUnitsTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Db } from '../../db/database.ts';
import type { Principal } from '../auth/principal.ts';
import { keyBindingCovers, keyBindingOf } from '../auth/scope.ts';
import type { LocatedChain, Territory } from '../org/territory.ts';
import { isSystemActor, type EventActor } from './event-actor.ts';
import { listEventUnits } from './events.repository.ts';

/**
 * An API key bound to a unit acts only inside it: it creates events located in the unit's
 * subtree (a department or station key: events routed to it), and sends signals to such events
 * only. Users and unbound keys pass.
 */
export function assertWithinKeyBinding(deps: { territory: Territory }, principal: Principal, chain: LocatedChain, unitIds: string[]): void {
  const covered = keyBindingCovers(principal, {
    countyId: chain.county.id,
    townshipId: chain.township.id,
    villageId: chain.village.id,
    gridId: chain.grid.id,
    unitIds,
  });
  if (covered) return;
  const bound = principal.memberships.map((m) => m.orgUnitId);
  const names = bound.map((id) => deps.territory.getUnit(id)?.name ?? id).join(', ');
  throw new AppError('OUTSIDE_KEY_SCOPE', `The API key acts for ${names} only: the location lies in ${chain.township.name}/${chain.village.name}, outside it`, {
    keyUnitIds: bound,
    locatedUnitId: chain.grid.id,
  });
}

/** Whether a unit-bound key may act on an existing event (its place or its dispatched units). */
export function keyBindingCoversEvent(
  principal: Principal,
  row: Pick<EventsTable, 'county_id' | 'township_id' | 'village_id' | 'grid_id'>,
  units: Pick<EventUnitsTable, 'org_unit_id'>[],
): boolean {
  if (keyBindingOf(principal) === null) return true;
  return keyBindingCovers(principal, {
    countyId: row.county_id,
    townshipId: row.township_id,
    villageId: row.village_id,
    gridId: row.grid_id,
    unitIds: units.map((u) => u.org_unit_id),
  });
}

/**
 * An externalId repeat answers the existing event: not to a unit-bound key when that event lies
 * outside the key's unit (it would show another unit's event).
 */
export async function assertKeyMayAnswer(deps: { db: Db }, actor: EventActor, row: EventsTable): Promise<void> {
  if (isSystemActor(actor) || keyBindingOf(actor) === null) return;
  if (keyBindingCoversEvent(actor, row, await listEventUnits(deps.db, [row.id]))) return;
  throw new AppError('OUTSIDE_KEY_SCOPE', 'This externalId belongs to an event outside the API key’s unit', { externalId: row.external_id });
}
