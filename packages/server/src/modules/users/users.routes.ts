import { z } from 'zod';
import { CreateUserRequest, Role, User } from '@liandong/contracts';
import type { FastifyRequest } from 'fastify';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import type { RequestContext } from '../auth/auth.service.ts';
import { addMembership, createUser, listUsers, removeMembership, updateUserById } from './users.service.ts';

const ctxOf = (req: FastifyRequest): RequestContext => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null });
const UserParams = z.object({ id: z.string().min(1).max(64) });
const UpdateUserRequest = z
  .object({
    displayName: z.string().trim().min(1).max(64).optional(),
    phone: z.string().max(20).nullable().optional(),
    isActive: z.boolean().optional(),
    /** A password reset: every session of the user ends. */
    password: z.string().min(8).max(256).optional(),
  })
  .strict();

/** People and their memberships. Registered by the auth routes (same /api/v1 prefix). */
export function registerUserRoutes(app: Api, deps: AppDeps): void {
  const adminOnly = authenticate({ roles: ['admin'] });

  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'People within the caller’s units (phones masked outside the caller’s data scope)',
        querystring: z.object({
          orgUnitId: z.string().max(64).optional(),
          role: Role.optional(),
          q: z.string().trim().min(1).max(64).optional(),
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(User), nextCursor: z.string().nullable() }) },
      },
      preHandler: authenticate(),
    },
    async (req) => listUsers(deps, principalOf(req), req.query),
  );

  app.post('/users', { schema: { tags: ['users'], body: CreateUserRequest, response: { 201: User } }, preHandler: adminOnly }, async (req, reply) =>
    reply.code(201).send(await createUser(deps, principalOf(req), req.body, ctxOf(req))),
  );

  app.patch(
    '/users/:id',
    { schema: { tags: ['users'], params: UserParams, body: UpdateUserRequest, response: { 200: User } }, preHandler: adminOnly },
    async (req) => updateUserById(deps, principalOf(req), req.params.id, req.body, ctxOf(req)),
  );

  app.post(
    '/users/:id/memberships',
    {
      schema: { tags: ['users'], params: UserParams, body: z.object({ orgUnitId: z.string().min(1).max(64), role: Role }), response: { 201: User } },
      preHandler: adminOnly,
    },
    async (req, reply) => reply.code(201).send(await addMembership(deps, principalOf(req), req.params.id, req.body, ctxOf(req))),
  );

  app.delete(
    '/users/:id/memberships/:membershipId',
    { schema: { tags: ['users'], params: UserParams.extend({ membershipId: z.string().min(1).max(64) }), response: { 200: User } }, preHandler: adminOnly },
    async (req) => removeMembership(deps, principalOf(req), req.params.id, req.params.membershipId, ctxOf(req)),
  );
}
