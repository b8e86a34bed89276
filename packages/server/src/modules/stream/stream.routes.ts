import { StreamQuery, type StreamMessages } from '@liandong/contracts';
import type { FastifyRequest } from 'fastify';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { principalOf } from '../auth/guards.ts';
import type { Principal } from '../auth/principal.ts';
import { resolveSessionPrincipal } from '../auth/principal.service.ts';
import { dataScopeOf, scopeCoversUnit } from '../auth/scope.ts';
import { MAX_BUFFERED_BYTES, MAX_STREAMS_PER_USER, formatSse, streamHubOf, type StreamSubscriber } from './stream.hub.ts';

/** A comment line this often keeps proxies from closing an idle stream and finds dead clients. */
export const HEARTBEAT_MS = 15_000;

/**
 * Live updates over Server-Sent Events: `notification` for the signed-in user and
 * `event.created` for events within their scope (optionally one unit's subtree).
 *
 * Every node's clients hear of changes made on any node: the request that commits a change
 * delivers it to this node's hub and publishes it on the bus, whence every other node's hub
 * delivers it (stream.bus.ts). What happens while a client reconnects it does not hear: the
 * web app also refetches its lists when the stream (re)opens.
 *
 * EventSource cannot send headers, so this route alone also accepts `?access_token=<session
 * token>` (the query string is never logged: request lines log the route pattern only).
 */
export function registerStreamRoutes(app: Api, deps: AppDeps): void {
  const hub = streamHubOf(deps);
  app.addHook('preClose', async () => hub.closeAll());

  app.get(
    '/stream',
    {
      schema: {
        tags: ['stream'],
        summary: 'Server-Sent Events: notification (yours), event.created (within your scope); send Authorization or ?access_token=',
        querystring: StreamQuery,
      },
    },
    async (req, reply) => {
      const token = req.query.access_token ?? bearerOf(req);
      const principal = req.query.access_token ? await resolveSessionPrincipal(deps, req.query.access_token) : principalOf(req);
      if (principal.kind !== 'user' || !principal.userId) throw new AppError('FORBIDDEN', 'Live updates are for signed-in users');
      const scope = dataScopeOf(principal);
      let unitFilter: StreamSubscriber['unitFilter'] = null;
      if (req.query.orgUnitId) {
        const unit = deps.territory.getUnit(req.query.orgUnitId);
        if (!unit) throw new AppError('ORG_UNIT_NOT_FOUND', `Unknown org unit ${req.query.orgUnitId}`);
        if (!scopeCoversUnit(scope, unit.path)) throw new AppError('OUT_OF_SCOPE', 'This unit is outside your data scope');
        unitFilter = { id: unit.id, path: unit.path };
      }
      if (hub.countOf(principal.userId) >= MAX_STREAMS_PER_USER) {
        throw new AppError('RATE_LIMITED', `At most ${MAX_STREAMS_PER_USER} live streams per user: close another tab`, { max: MAX_STREAMS_PER_USER });
      }

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let open = true;
      const sub: StreamSubscriber = {
        userId: principal.userId,
        scope,
        unitFilter,
        write: (chunk) => {
          if (!open || res.writableEnded || res.destroyed) return false;
          if (res.writableLength > MAX_BUFFERED_BYTES) return false;
          res.write(chunk);
          return true;
        },
        close: () => end(),
      };
      const heartbeat = setInterval(() => void beat(), HEARTBEAT_MS);
      heartbeat.unref();
      const end = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        hub.remove(sub);
        if (!res.writableEnded) res.end();
      };
      // The session may end while the stream is open: checked at each heartbeat (cached lookups).
      const beat = async () => {
        if (!open) return;
        if (token && !(await stillValid(deps, token))) {
          sub.write(formatSse('end', { reason: 'session_ended' } satisfies StreamMessages['end']));
          end();
          return;
        }
        if (!sub.write(': ping\n\n')) end();
      };
      req.raw.on('close', end);
      res.on('error', end);
      hub.add(sub);
      res.write(`retry: 5000\n\n${formatSse('ready', { userId: principal.userId, orgUnitId: unitFilter?.id ?? null } satisfies StreamMessages['ready'])}`);
    },
  );
}

function bearerOf(req: FastifyRequest): string | null {
  return /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

async function stillValid(deps: AppDeps, token: string): Promise<Principal | null> {
  try {
    return await resolveSessionPrincipal(deps, token);
  } catch {
    return null;
  }
}
