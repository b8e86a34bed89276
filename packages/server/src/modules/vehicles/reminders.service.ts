import type { CreateEventResponse } from '@liandong/contracts';
import type { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { getEventById } from '../events/event-query.service.ts';
import { keyBindingOf } from '../auth/scope.ts';
import { presentCategory } from '../catalog/catalog.presenter.ts';
import { findCategoryRowCached } from '../catalog/catalog.repository.ts';
import { listEventUnits } from '../events/events.repository.ts';
import { assertWithinKeyBinding, keyBindingCoversEvent } from '../events/key-binding.ts';
import { routeEvent } from '../events/routing.policy.ts';
import { submitReport } from '../intake/intake.ts';
import { plateOrThrow } from './plate.ts';

export interface PlateReminderInput {
  plate: string;
  location: { lng: number; lat: number; address?: string };
  note?: string;
}

/**
 * An officer on patrol uploads a plate (先提醒后处罚): a parking event is created and its process
 * reminds the owner by SMS and waits out the grace period. A car already under an open parking
 * event gets no second event and no second SMS: the open one is answered (200, merged).
 */
export async function remindByPlate(
  deps: AppDeps,
  principal: Principal,
  input: PlateReminderInput,
): Promise<{ status: 200 | 201; body: z.infer<typeof CreateEventResponse> }> {
  const { plate } = plateOrThrow(input.plate, 'body.plate');
  const category = await deps.db
    .selectFrom('categories')
    .select('code')
    .where('process_key', '=', 'parking')
    .where('is_active', '=', 1)
    .orderBy('code')
    .executeTakeFirst();
  if (!category) throw new AppError('UNKNOWN_CATEGORY', 'No active category runs the parking process');
  // A unit-bound key reminds only inside its unit: checked before the open-event answer, which creates nothing.
  const bound = keyBindingOf(principal) !== null;
  const chain = bound ? deps.territory.locate(input.location.lng, input.location.lat) : null;
  if (chain) {
    const row = await findCategoryRowCached(deps, category.code);
    const routing = row ? routeEvent(deps.territory, chain, presentCategory(row)) : null;
    assertWithinKeyBinding(deps, principal, chain, routing ? [routing.lead.id, ...routing.co.map((u) => u.id)] : []);
  }
  const open = await deps.db
    .selectFrom('events')
    .select(['id', 'county_id', 'township_id', 'village_id', 'grid_id'])
    .where('plate', '=', plate)
    .where('is_open', '=', 1)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (open && bound && !keyBindingCoversEvent(principal, open, await listEventUnits(deps.db, [open.id]))) {
    throw new AppError('OUTSIDE_KEY_SCOPE', `Plate ${plate} has an open parking event outside the API key's unit`, { plate });
  }
  if (open) return { status: 200, body: { ...(await getEventById(deps, principal, open.id)), merged: true } };
  // The officer's report goes through the one intake; the parking category's process reminds the owner.
  const { outcome, event } = await submitReport(deps, principal, {
    category: category.code,
    title: `违停提醒 ${plate}`,
    ...(input.note === undefined ? {} : { description: input.note }),
    location: input.location,
    source: 'officer',
    plate,
  });
  return { status: outcome === 'created' ? 201 : 200, body: { ...event, merged: outcome === 'merged' } };
}
