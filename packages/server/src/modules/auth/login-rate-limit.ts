import type { AppDeps } from '../../deps.ts';

/**
 * Failed sign-ins per username and per client IP in a sliding window (in memory, per process).
 * Only failures count, so a busy office behind one IP is not locked out by its own successful
 * sign-ins; a success clears the username's failures but not the IP's.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  /**
   * @param maxAttempts failures allowed per username in the window
   * @param maxAttemptsPerIp failures allowed per client IP (keys starting `ip:`): higher, because a
   *   township command room signs in many people from one address
   */
  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs: number,
    private readonly maxAttemptsPerIp: number = maxAttempts,
  ) {}

  private limitOf(key: string): number {
    return key.startsWith('ip:') ? this.maxAttemptsPerIp : this.maxAttempts;
  }

  /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
  retryAfterSeconds(keys: string[], nowMs: number): number {
    let waitMs = 0;
    for (const k of keys) {
      const list = this.recent(k, nowMs);
      const max = this.limitOf(k);
      if (list.length >= max) waitMs = Math.max(waitMs, list[list.length - max] + this.windowMs - nowMs);
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  recordFailure(keys: string[], nowMs: number): void {
    if (this.failures.size > 50_000) this.sweep(nowMs);
    for (const k of keys) {
      const list = this.recent(k, nowMs);
      list.push(nowMs);
      this.failures.set(k, list);
    }
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  private sweep(nowMs: number): void {
    for (const k of [...this.failures.keys()]) this.recent(k, nowMs);
  }
}

const limiters = new WeakMap<AppDeps, LoginRateLimiter>();

export function loginRateLimiterOf(deps: AppDeps): LoginRateLimiter {
  let l = limiters.get(deps);
  if (!l) {
    l = new LoginRateLimiter(deps.config.auth.loginMaxAttempts, deps.config.auth.loginWindowSeconds * 1000, deps.config.auth.loginMaxAttemptsPerIp);
    limiters.set(deps, l);
  }
  return l;
}
