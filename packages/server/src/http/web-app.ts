import fastifyStatic from '@fastify/static';
import type { Api } from './api.ts';

/** Files Vite names by their content (`assets/index-B3Dpd1q3.js`): a new build has new names. */
const HASHED_ASSET = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(\.br|\.gz)?$/;
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)(\.br|\.gz)?$/;

/** Cache-Control of a file of the built web app, by its path on disk. */
export function webCacheControl(path: string): string {
  // Hashed names never change content: browsers keep them a year without asking again. Everything
  // else (index.html, which names the current assets) is revalidated on every load.
  return HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Serves the built web app (packages/web/dist). The build writes `.br` and `.gz` beside each text
 * asset (vite.config.ts); they are sent with `Content-Encoding` as the request's Accept-Encoding
 * allows, the file itself otherwise. The client-side routing fallback (index.html for unknown
 * non-API paths) is the not-found handler's (http/errors.plugin.ts) and goes through the same
 * headers.
 */
export async function registerWebApp(app: Api, webDir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    preCompressed: true,
    // Our own Cache-Control below (send's default is `public, max-age=0`).
    cacheControl: false,
    setHeaders(res, path) {
      res.setHeader('cache-control', webCacheControl(path));
      if (COMPRESSIBLE.test(path)) res.setHeader('vary', 'accept-encoding');
    },
  });
}
