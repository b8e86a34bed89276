import type { EventsTable } from '../../db/schema.ts';
import type { EngineTerritory } from '../host.ts';

/** Where an event is, for a message: the reporter's address, else the village and grid names. */
export function placeOfEvent(
  territory: Pick<EngineTerritory, 'getUnit'>,
  event: Pick<EventsTable, 'address' | 'village_id' | 'grid_id' | 'lng' | 'lat'>,
): string {
  if (event.address) return event.address;
  const village = event.village_id ? territory.getUnit(event.village_id)?.name : undefined;
  const grid = event.grid_id ? territory.getUnit(event.grid_id)?.name : undefined;
  if (village && grid) return grid.includes(village) ? grid : `${village}${grid}`;
  return village ?? grid ?? `${event.lng.toFixed(5)},${event.lat.toFixed(5)}`;
}
