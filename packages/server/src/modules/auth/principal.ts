import type { ApiKeyScope, OrgUnitKind, Role } from '@liandong/contracts';

export interface PrincipalMembership {
  orgUnitId: string;
  orgUnitKind: OrgUnitKind;
  orgUnitName: string;
  /** Materialised path of the unit ('/county/…/unit/'). */
  orgUnitPath: string;
  role: Role;
  /**
   * Department memberships only: the department's stations, resolved by the auth hook so that
   * data-scope rules stay pure functions of the principal.
   */
  stationIds?: string[];
}

/**
 * Who is calling: a signed-in user or an integration's API key.
 * Built once per request by the auth hook; policies are pure functions of it.
 */
export interface Principal {
  kind: 'user' | 'api_key';
  /** The user id; for an API key, the user who created it (may be null). */
  userId: string | null;
  name: string;
  roles: Role[];
  memberships: PrincipalMembership[];
  /** API keys only: what the key may do. */
  apiKeyScopes?: ApiKeyScope[];
  apiKeyId?: string;
  sessionId?: string;
}
