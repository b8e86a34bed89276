import { BUS_TOPICS, type Bus } from '../../lib/bus.ts';
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
 * lookup on the hot path. One per node, owned by the runtime. Given a bus, revocations and
 * role changes are published and every node (this one at once) drops the entries
 * (applyInvalidation); without one (a cache on its own) they apply here only.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly bus?: Bus) {}

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

  /** A credential revoked (sign-out): here at once; other nodes drop its user's entries (they hold no hashes of ours). */
  delete(hash: string): void {
    const e = this.entries.get(hash);
    this.entries.delete(hash);
    if (e?.principal.kind === 'user' && e.principal.userId) this.invalidateUser(e.principal.userId);
  }

  /** Drops every cached principal of a user (deactivation, password reset, membership change). */
  invalidateUser(userId: string): void {
    this.invalidate({ userId });
  }

  invalidateApiKey(apiKeyId: string): void {
    this.invalidate({ apiKeyId });
  }

  /** Membership or unit changes can touch many principals: start afresh. */
  clear(): void {
    this.invalidate({});
  }

  private invalidate(what: { userId?: string; apiKeyId?: string }): void {
    if (this.bus) this.bus.publish(BUS_TOPICS.cache, { cache: 'principals', ...what });
    else this.applyInvalidation(what);
  }

  /** What a `{ cache: 'principals' }` bus message asks of this node. */
  applyInvalidation(what: { userId?: unknown; apiKeyId?: unknown }): void {
    if (typeof what.userId === 'string') {
      for (const [h, e] of this.entries) if (e.principal.kind === 'user' && e.principal.userId === what.userId) this.entries.delete(h);
    } else if (typeof what.apiKeyId === 'string') {
      for (const [h, e] of this.entries) if (e.principal.apiKeyId === what.apiKeyId) this.entries.delete(h);
    } else this.entries.clear();
  }

  private sweep(nowMs: number): void {
    for (const [h, e] of this.entries) if (e.cachedUntilMs <= nowMs) this.entries.delete(h);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}

/** This node's cache (a member of the runtime). */
export function principalCacheOf(deps: { caches: { principals: PrincipalCache } }): PrincipalCache {
  return deps.caches.principals;
}
