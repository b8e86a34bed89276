import type { App } from './app.ts';
import type { Logger } from './lib/logger.ts';

/**
 * Listens and shuts down gracefully: on SIGTERM/SIGINT stop accepting connections, let
 * in-flight requests finish (up to `graceMs`), then run the closers (database last).
 */
export async function listen(
  app: App,
  opts: { host: string; port: number; logger: Logger; closers: Array<() => Promise<void>>; graceMs?: number },
): Promise<{ url: string; stop: () => Promise<void> }> {
  const url = await app.listen({ host: opts.host, port: opts.port });
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      opts.logger.info('shutting down');
      const timer = setTimeout(() => {
        opts.logger.warn('shutdown grace period exceeded; closing connections');
        app.server.closeAllConnections?.();
      }, opts.graceMs ?? 10_000);
      timer.unref();
      await app.close();
      for (const close of opts.closers) await close();
      clearTimeout(timer);
      opts.logger.info('stopped');
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void stop().then(
        () => process.exit(0),
        (err) => {
          opts.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return { url, stop };
}
