import { BUS_TOPICS, type Bus } from './lib/bus.ts';
import { PrincipalCache } from './modules/auth/principal-cache.ts';
import { CalendarCache } from './modules/calendar/calendar.loader.ts';
import { CategoryCache } from './modules/catalog/catalog.repository.ts';
import { OnDutyCache } from './modules/duty/on-duty.ts';
import { TemplateCache } from './modules/notify/templates.ts';

/**
 * The in-memory caches of one node, members of its runtime (runtime.ts). Each is dropped on
 * every node when any node changes what it holds: the change publishes `{ cache: name }` on
 * the bus after its commit, and every node (this one at once) clears it here.
 */
export interface Caches {
  calendar: CalendarCache;
  onDuty: OnDutyCache;
  principals: PrincipalCache;
  categories: CategoryCache;
  templates: TemplateCache;
}

export function createCaches(bus: Bus): Caches {
  return {
    calendar: new CalendarCache(),
    onDuty: new OnDutyCache(),
    principals: new PrincipalCache(bus),
    categories: new CategoryCache(),
    templates: new TemplateCache(),
  };
}

/** Applies the bus's cache messages to `caches`; returns the unsubscribe function. */
export function subscribeCacheInvalidation(bus: Bus, caches: Caches): () => void {
  return bus.subscribe(BUS_TOPICS.cache, (m) => {
    switch (m.cache) {
      case 'calendar':
        caches.calendar.clear();
        break;
      case 'duty':
        caches.onDuty.invalidate(Array.isArray(m.units) ? m.units.filter((u): u is string => typeof u === 'string') : undefined);
        break;
      case 'principals':
        caches.principals.applyInvalidation(m);
        break;
      case 'categories':
        caches.categories.clear();
        break;
      case 'templates':
        caches.templates.clear();
        break;
      case '*':
        caches.calendar.clear();
        caches.onDuty.invalidate();
        caches.principals.applyInvalidation({});
        caches.categories.clear();
        caches.templates.clear();
        break;
    }
  });
}
