import type { Api } from '../../http/api.ts';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { isMigrated, ping } from '../../db/database.ts';
import type { AppDeps } from '../../deps.ts';
import { defaultCalendarHealth } from '../calendar/calendar.coverage.ts';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'liandong_' });
  return registry;
}

/**
 * /healthz (process up), /readyz (database reachable, migrations applied; `details` carries
 * warnings that do not make the node unready, e.g. a working calendar without the coming year's
 * holidays), /metrics (Prometheus).
 */
export function registerSystemRoutes(app: Api, deps: AppDeps): void {
  const httpDuration =
    (deps.metrics.getSingleMetric('liandong_http_request_duration_seconds') as Histogram<string> | undefined) ??
    new Histogram({
      name: 'liandong_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [deps.metrics],
    });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { schema: { tags: ['system'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { tags: ['system'], summary: 'The node can serve: database reachable and migrated (503 `UNAVAILABLE` when not); `details` carries warnings' } },
    async (_req, reply) => {
      try {
        await ping(deps.db);
        if (!(await isMigrated(deps.db))) {
          return reply.code(503).send({ error: { code: 'UNAVAILABLE', message: 'Database migrations are pending' } });
        }
        const calendar = await defaultCalendarHealth(deps.db, deps.clock.now());
        return { status: 'ready', database: deps.dialect, details: { calendar } };
      } catch {
        return reply.code(503).send({ error: { code: 'UNAVAILABLE', message: 'Database unreachable' } });
      }
    },
  );
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(deps.metrics.contentType);
    return deps.metrics.metrics();
  });
}
