// Types only: the contracts package is zod source; importing types keeps zod out of the bundle.
export type {
  Category,
  EventSource,
  EventStatus,
  EventView,
  Membership,
  OrgChainEntry,
  OrgUnit,
  OrgUnitKind,
  Role,
  TimelineEntry,
  Urgency,
  User,
  DataScope,
  ApiKeyScope,
  UnitRule,
} from '@liandong/contracts';

export interface MeResponse {
  user: import('@liandong/contracts').User;
  roles: import('@liandong/contracts').Role[];
  memberships: import('@liandong/contracts').Membership[];
  dataScope: import('@liandong/contracts').DataScope;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  orgUnitId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
