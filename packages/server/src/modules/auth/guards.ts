import type { ApiKeyScope, Role } from '@liandong/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import type { Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook when the request carries a valid session token or API key. */
    principal?: Principal;
    /** Set when a credential was sent but is not valid: the reason, answered if the route needs auth. */
    authError?: AppError;
  }
}

export interface GuardOptions {
  /** Any of these roles (in any membership) is enough. Omit to allow every signed-in user. */
  roles?: Role[];
  /** Accept API keys having all of these scopes. Without it, API keys are refused. */
  apiKeyScopes?: ApiKeyScope[];
}

/** Returns the principal of an authenticated request, or throws the reason it is not. */
export function principalOf(req: FastifyRequest): Principal {
  if (req.principal) return req.principal;
  throw req.authError ?? new AppError('UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token>');
}

const GUARD = Symbol('liandong.guard');

/** True for the functions authenticate() returns. */
export function isGuard(fn: unknown): boolean {
  return guardOptionsOf(fn) !== undefined;
}

/** The options a guard was made with (the OpenAPI document derives each route's security from them). */
export function guardOptionsOf(fn: unknown): Readonly<GuardOptions> | undefined {
  return typeof fn === 'function' ? (fn as { [GUARD]?: GuardOptions })[GUARD] : undefined;
}

/**
 * A guard that requires a signed-in user (or an API key with the named scopes) and, when given,
 * one of the roles. Routes name it as their `preHandler`; the auth hook (auth.hook.ts) moves it to
 * the route's `onRequest`, so that a request without the right credentials is refused (401/403)
 * before its body is read, parsed or validated.
 */
export function authenticate(opts: GuardOptions = {}) {
  return Object.assign(guard(opts), { [GUARD]: Object.freeze({ ...opts }) });
}

function guard(opts: GuardOptions) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const p = principalOf(req);
    if (p.kind === 'api_key') {
      if (!opts.apiKeyScopes) throw new AppError('FORBIDDEN', 'This endpoint is not available to API keys');
      const missing = opts.apiKeyScopes.filter((s) => !p.apiKeyScopes?.includes(s));
      if (missing.length) throw new AppError('SCOPE_MISSING', `The API key lacks scope ${missing.join(', ')}`, { missing });
      return;
    }
    if (opts.roles && !opts.roles.some((r) => p.roles.includes(r))) {
      throw new AppError('FORBIDDEN', `Requires one of the roles: ${opts.roles.join(', ')}`);
    }
  };
}
