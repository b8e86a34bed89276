import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
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
}
