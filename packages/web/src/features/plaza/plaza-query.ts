import type { InfiniteData } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { EventView, Page } from '../../api/types.ts';

/**
 * The plaza's filters, in the address's query string. index.html's early script requests the
 * first page of events for the address before the app's code has arrived, building the same URL
 * (these keys in this order, then `limit=50`): change both together.
 */
export const FILTER_KEYS = ['status', 'category', 'source', 'orgUnitId', 'q', 'supervised', 'overdue'] as const;
export type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;
export const PLAZA_PAGE_SIZE = 50;

/** The filters set in an address's query string. */
export function plazaFilters(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v));
}

export function plazaEventsQuery(filters: Filters) {
  return {
    queryKey: ['events', filters] as const,
    queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
      api.get<Page<EventView>>('/api/v1/events', { ...filters, cursor: pageParam, limit: PLAZA_PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<EventView>) => last.nextCursor ?? undefined,
    // Fetched just before (App.tsx prefetches the opening plaza's first page): not again on mount.
    // Live updates invalidate it whatever its age.
    staleTime: 5_000,
  };
}

export type PlazaEvents = InfiniteData<Page<EventView>, string | undefined>;
