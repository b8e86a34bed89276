import type { AppDeps } from '../../deps.ts';
import type { Principal } from './principal.ts';

/** How long a resolved principal is reused without reading the database again. */
export const PRINCIPAL_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;

interface Entry {
  principal: Principal;
  /** Session or key expiry (ms), checked on every hit so expiry is exact. */
  expiresAtMs: number | null;
  cachedUntilMs: number;
}

/**
 * Principals per credential hash, kept a few seconds so the hook costs one hash and one map
 * lookup on the hot path. Revocation in this process deletes the entries at once; other nodes
 * see it within PRINCIPAL_CACHE_TTL_MS.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();

  get(hash: string, nowMs: number): { principal: Principal; expiresAtMs: number | null } | undefined {
    const e = this.entries.get(hash);
    if (!e) return undefined;
    if (e.cachedUntilMs <= nowMs) {
      this.entries.delete(hash);
      return undefined;
    }
    return e;
  }

  set(hash: string, principal: Principal, expiresAtMs: number | null, nowMs: number): void {
    if (this.entries.size >= MAX_ENTRIES) this.sweep(nowMs);
    this.entries.set(hash, { principal, expiresAtMs, cachedUntilMs: nowMs + PRINCIPAL_CACHE_TTL_MS });
  }

  delete(hash: string): void {
    this.entries.delete(hash);
  }

  /** Drops every cached principal of a user (deactivation, password reset, membership change). */
  invalidateUser(userId: string): void {
    for (const [h, e] of this.entries) if (e.principal.kind === 'user' && e.principal.userId === userId) this.entries.delete(h);
  }

  invalidateApiKey(apiKeyId: string): void {
    for (const [h, e] of this.entries) if (e.principal.apiKeyId === apiKeyId) this.entries.delete(h);
  }

  /** Membership or unit changes can touch many principals: start afresh. */
  clear(): void {
    this.entries.clear();
  }

  private sweep(nowMs: number): void {
    for (const [h, e] of this.entries) if (e.cachedUntilMs <= nowMs) this.entries.delete(h);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}

const caches = new WeakMap<AppDeps, PrincipalCache>();

/** The cache of one app instance (tests build several apps in one process). */
export function principalCacheOf(deps: AppDeps): PrincipalCache {
  let c = caches.get(deps);
  if (!c) {
    c = new PrincipalCache();
    caches.set(deps, c);
  }
  return c;
}
