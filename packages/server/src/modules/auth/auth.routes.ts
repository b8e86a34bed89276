import { z } from 'zod';
import { ApiKey, CreateApiKeyRequest, LoginRequest, LoginResponse, MeResponse } from '@liandong/contracts';
import type { FastifyRequest } from 'fastify';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { registerUserRoutes } from '../users/users.routes.ts';
import { createApiKey, listApiKeyViews, revokeApiKeyById } from './api-keys.service.ts';
import { findAuditLog } from './audit.ts';
import { getMe, login, logout, type RequestContext } from './auth.service.ts';
import { authenticate, principalOf } from './guards.ts';

const ctxOf = (req: FastifyRequest): RequestContext => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });

export function registerAuthRoutes(app: Api, deps: AppDeps): void {
  app.post('/auth/login', { schema: { tags: ['auth'], body: LoginRequest, response: { 200: LoginResponse } } }, async (req, reply) => {
    try {
      const { token, expiresAt, user } = await login(deps, req.body, ctxOf(req));
      req.log.info({ userId: user.id }, 'signed in');
      return { token, expiresAt, user };
    } catch (err) {
      if (err instanceof AppError && err.code === 'RATE_LIMITED')
        reply.header('retry-after', String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
      throw err;
    }
  });

  app.post('/auth/logout', { schema: { tags: ['auth'] }, preHandler: authenticate() }, async (req, reply) => {
    const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new AppError('FORBIDDEN', 'Only a signed-in user can sign out');
    await logout(deps, principalOf(req), token, ctxOf(req));
    return reply.code(204).send();
  });

  app.get('/me', { schema: { tags: ['auth'], response: { 200: MeResponse } }, preHandler: authenticate() }, async (req) => getMe(deps, principalOf(req)));

  const adminOnly = authenticate({ roles: ['admin'] });
  const ApiKeyCreated = ApiKey.extend({ key: z.string(), expiresAt: z.string().nullable() });

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API key (shown once)',
        description:
          'With `orgUnitId` the key acts for that unit only: it creates events (and plate reminders) located in the unit’s subtree — ' +
          'a department or station key: events routed to it — and anything else gets 422 `OUTSIDE_KEY_SCOPE`; it reads and signals ' +
          'only events within the unit. Without it (county administrators only) the key acts county-wide. `signals:write` lets a ' +
          'key send the process signals whose wait names that scope (e.g. parking’s `vehicle.gone`).',
        body: CreateApiKeyRequest,
        response: { 201: ApiKeyCreated },
      },
      preHandler: adminOnly,
    },
    async (req, reply) => reply.code(201).send(await createApiKey(deps, principalOf(req), req.body, ctxOf(req))),
  );
  app.get('/api-keys', { schema: { tags: ['auth'], response: { 200: z.object({ items: z.array(ApiKey) }) } }, preHandler: adminOnly }, async () => ({
    items: await listApiKeyViews(deps),
  }));
  app.delete(
    '/api-keys/:id',
    { schema: { tags: ['auth'], params: z.object({ id: z.string().min(1).max(64) }), response: { 200: ApiKey } }, preHandler: adminOnly },
    async (req) => revokeApiKeyById(deps, principalOf(req), req.params.id, ctxOf(req)),
  );

  app.get(
    '/audit-log',
    {
      schema: {
        tags: ['auth'],
        querystring: z.object({
          action: z.string().max(64).optional(),
          actorUserId: z.string().max(64).optional(),
          from: z.string().datetime({ offset: true }).optional(),
          to: z.string().datetime({ offset: true }).optional(),
          cursor: z.string().max(512).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      preHandler: adminOnly,
    },
    async (req) => findAuditLog(deps.db, deps.secret, req.query),
  );

  registerUserRoutes(app, deps);
}
