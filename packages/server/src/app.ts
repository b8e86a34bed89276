import { registerReminderRoutes } from './modules/vehicles/reminders.routes.ts';
import { registerTaskRoutes } from './modules/tasks/tasks.routes.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { LogController } from 'fastify';
import type { Api } from './http/api.ts';
import fastifySwagger from '@fastify/swagger';
import fastifyMultipart from '@fastify/multipart';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from './deps.ts';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './http/errors.plugin.ts';
import { registerInputHygiene } from './http/input-hygiene.ts';
import { registerWebApp } from './http/web-app.ts';
import { registerCompression } from './http/compression.ts';
import { swaggerOptions } from './http/openapi.ts';
import { registerDocs } from './http/docs-page.ts';
import { registerSystemRoutes } from './modules/system/system.routes.ts';
import { registerAuthHook } from './modules/auth/auth.hook.ts';
import { registerAuthRoutes } from './modules/auth/auth.routes.ts';
import { registerOrgRoutes } from './modules/org/org.routes.ts';
import { registerCatalogRoutes } from './modules/catalog/catalog.routes.ts';
import { registerEventRoutes } from './modules/events/events.routes.ts';
import { registerDutyRoutes } from './modules/duty/duty.routes.ts';
import { registerStreamRoutes } from './modules/stream/stream.routes.ts';
import { registerNotifyRoutes } from './modules/notify/notify.routes.ts';
import { registerSmsReceiptRoutes } from './modules/notify/providers/receipts.routes.ts';
import { registerCalendarRoutes } from './modules/calendar/calendar.routes.ts';
import { registerProcessRoutes } from './modules/processes/processes.routes.ts';
import { registerVehicleRoutes } from './modules/vehicles/vehicles.routes.ts';

export type App = Api;

/** Builds the HTTP app from explicit dependencies. Never listens: server.ts does, tests use inject(). */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Per-request lines are written by our own hooks (without bodies, which may hold personal data).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.http.bodyLimitBytes,
    trustProxy: deps.config.http.trustProxy,
    genReqId: () => deps.ids.id(),
    routerOptions: { ignoreTrailingSlash: true },
    // 400/414 before routing and 431/408 from Node's parser also answer in the api.md error shape.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>() as unknown as Api;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const webDir = findWebDir(deps);
  registerErrorHandling(app, deps, { spaFallback: webDir !== null });
  registerCompression(app);

  await app.register(fastifySwagger, swaggerOptions());
  await registerDocs(app);
  await app.register(fastifyMultipart, { limits: { fileSize: deps.config.http.uploadLimitBytes, files: 10 } });

  registerAuthHook(app, deps);
  registerInputHygiene(app);
  registerSystemRoutes(app, deps);
  await app.register(
    async (api) => {
      registerAuthRoutes(api, deps);
      registerOrgRoutes(api, deps);
      registerCatalogRoutes(api, deps);
      registerEventRoutes(api, deps);
      registerDutyRoutes(api, deps);
      registerStreamRoutes(api, deps);
      registerNotifyRoutes(api, deps);
      registerSmsReceiptRoutes(api, deps);
      registerCalendarRoutes(api, deps);
      registerVehicleRoutes(api, deps);
      registerProcessRoutes(api, deps);
      registerTaskRoutes(api, deps);
      registerReminderRoutes(api, deps);
    },
    { prefix: '/api/v1' },
  );

  if (webDir) await registerWebApp(app, webDir);
  return app;
}

/** The built web app (production mode), when present: served with client-side routing fallback. */
function findWebDir(deps: AppDeps): string | null {
  const dir = resolve(deps.config.http.webDir ?? join(import.meta.dirname, '../../web/dist'));
  return existsSync(join(dir, 'index.html')) ? dir : null;
}
