import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { isGuard } from './guards.ts';
import { resolveApiKeyPrincipal, resolveSessionPrincipal } from './principal.service.ts';

/**
 * Authenticates every request that carries a credential: `Authorization: Bearer <session token>`
 * or `X-Api-Key`. Never answers by itself: it sets `req.principal`, or `req.authError` with the
 * precise reason, and the route's guard decides (public routes ignore both).
 */
export function registerAuthHook(app: Api, deps: AppDeps): void {
  app.addHook('onRequest', async (req) => {
    const authorization = req.headers.authorization;
    const apiKey = req.headers['x-api-key'];
    if (authorization === undefined && apiKey === undefined) return;
    try {
      if (authorization !== undefined) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        if (!m) throw new AppError('UNAUTHENTICATED', 'Send Authorization: Bearer <token>');
        req.principal = await resolveSessionPrincipal(deps, m[1]);
      } else {
        const key = Array.isArray(apiKey) ? apiKey[0] : apiKey;
        if (!key) throw new AppError('INVALID_API_KEY', 'Empty X-Api-Key header', { reason: 'unknown' });
        req.principal = await resolveApiKeyPrincipal(deps, key);
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      req.authError = err;
    }
  });

  // A route's guards (authenticate(), named as its preHandler) run right after the hook above,
  // as route-level onRequest hooks: an unauthenticated or unauthorised request is answered 401/403
  // before its body is parsed and validated (else a bad body would get 400 from anyone).
  app.addHook('onRoute', (route) => {
    const pre = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    const guards = pre.filter(isGuard);
    if (guards.length === 0) return;
    const rest = pre.filter((h) => !isGuard(h));
    route.preHandler = rest.length ? rest : undefined;
    const onRequest = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...onRequest, ...(guards as typeof onRequest)];
  });
}
