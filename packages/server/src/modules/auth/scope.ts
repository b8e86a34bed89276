import type { OrgUnitKind } from '@liandong/contracts';
import type { Principal } from './principal.ts';

/**
 * The data scope of a principal, resolved from memberships. Pure data, so the event,
 * people and record queries of every module filter the same way.
 */
export interface DataScopeFilter {
  /** Sees the whole county (county-level admin, leader, duty officer…). */
  all: boolean;
  /** Territorial units whose subtrees are visible, with their kind (picks the events column). */
  territorial: Array<{ id: string; kind: Extract<OrgUnitKind, 'county' | 'township' | 'village' | 'grid'>; path: string }>;
  /** Departments and stations: events dispatched to them (lead or co-handling) are visible. */
  departmentUnitIds: string[];
  /** Events this user submitted (deputies, reporters) are visible. */
  ownUserId: string | null;
}

/** Facts about an event that visibility depends on. */
export interface EventScopeFacts {
  countyId: string | null;
  townshipId: string | null;
  villageId: string | null;
  gridId: string | null;
  /** Units the event is dispatched to (lead and co-handling). */
  unitIds: string[];
  reporterUserId: string | null;
}

// STUB signatures: the auth module implements these (see its tests for the role × scope matrix).
export function dataScopeOf(_principal: Principal): DataScopeFilter {
  throw new Error('not implemented');
}

export function canSeeEvent(_scope: DataScopeFilter, _event: EventScopeFacts): boolean {
  throw new Error('not implemented');
}
