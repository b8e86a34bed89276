import fastifySwaggerUi from '@fastify/swagger-ui';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { OpenAPIV3 } from 'openapi-types';
import type { Api } from './api.ts';
import { pickEncoding } from './compression.ts';

const UI_PREFIX = '/api/docs/ui';
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/**
 * The API's documentation:
 * - `/api/docs`: the reference, one HTML page rendered once from the OpenAPI document (no script:
 *   the operations are on screen as soon as the page arrives; Swagger UI needs seconds to parse
 *   its 1.5 MB bundle and resolve the document on this class of machine, see bench/RESULTS.md);
 * - `/api/docs/json`: the OpenAPI document, for client generators;
 * - `/api/docs/ui`: Swagger UI, to try calls; each operation of the reference links to it.
 */
export async function registerDocs(app: Api): Promise<void> {
  await app.register(fastifySwaggerUi, {
    routePrefix: UI_PREFIX,
    // The model section renders every component up front; operations show their own schemas.
    uiConfig: { defaultModelsExpandDepth: -1, deepLinking: true },
  });

  app.get('/api/docs/json', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('cache-control', 'no-cache');
    return app.swagger();
  });

  let page: { etag: string; identity: Buffer; br: Buffer; gzip: Buffer } | undefined;
  app.get('/api/docs', { schema: { hide: true } }, async (req, reply) => {
    if (!page) {
      const identity = Buffer.from(renderReference(app.swagger() as OpenAPIV3.Document));
      page = {
        etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 16)}"`,
        identity,
        br: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } }),
        gzip: gzipSync(identity, { level: 9 }),
      };
    }
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('cache-control', 'no-cache');
    reply.header('etag', page.etag);
    reply.header('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === page.etag) return reply.code(304).send();
    const encoding = pickEncoding(req.headers['accept-encoding']);
    if (encoding) reply.header('content-encoding', encoding);
    return reply.send(encoding === 'br' ? page.br : encoding === 'gzip' ? page.gzip : page.identity);
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Backticks become <code>, **x** becomes <strong>; the rest is text. */
const inline = (s: string) =>
  esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
const paragraphs = (s: string | undefined) =>
  (s ?? '')
    .split(/\n\s*\n|\n(?=[A-Z*`])/)
    .filter((p) => p.trim())
    .map((p) => `<p>${inline(p.trim())}</p>`)
    .join('');

/** The reference page: every operation by tag, with its access and its errors and their codes. */
export function renderReference(doc: OpenAPIV3.Document): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      const errors = Object.keys(op.responses).filter((s) => /^[45]/.test(s));
      const access = op.security?.length === 0 ? 'public' : op.security?.some((s) => 'apiKey' in s) ? 'session or API key' : 'session';
      const id = op.operationId ?? `${method}-${path}`;
      const ui = `${UI_PREFIX}#/${encodeURIComponent(tag)}/${encodeURIComponent(id)}`;
      const rows = byTag.get(tag) ?? [];
      rows.push(
        `<details class="op" id="${esc(id)}"><summary><span class="m ${method}">${method.toUpperCase()}</span> <code class="p">${esc(path)}</code> <span class="s">${inline(op.summary ?? '')}</span></summary>` +
          `<div class="b"><p><code>${esc(id)}</code> · ${access} · <a href="${esc(ui)}">try it</a></p>${paragraphs(op.description)}` +
          (errors.length
            ? `<ul>${errors.map((s) => `<li><b>${s}</b> ${inline((op.responses[s] as OpenAPIV3.ResponseObject).description ?? '')}</li>`).join('')}</ul>`
            : '') +
          '</div></details>',
      );
      byTag.set(tag, rows);
    }
  }
  const tags = [...(doc.tags ?? []).map((t) => t.name), ...[...byTag.keys()].filter((k) => !doc.tags?.some((t) => t.name === k))];
  const sections = tags
    .filter((t) => byTag.has(t))
    .map((t) => {
      const description = doc.tags?.find((x) => x.name === t)?.description;
      return `<section><h2 id="tag-${esc(t)}">${esc(t)}${description ? ` <small>${esc(description)}</small>` : ''}</h2>${byTag.get(t)!.join('')}</section>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} reference</title><style>
body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1f2328}
h1{font-size:24px;margin:8px 0}h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de}h2 small{font-weight:normal;color:#59636e;font-size:13px}
nav a{margin-right:12px}code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
.op{border:1px solid #d0d7de;border-radius:6px;margin:4px 0}.op summary{cursor:pointer;padding:6px 8px;list-style:none}.op summary::-webkit-details-marker{display:none}
.op .b{padding:0 12px 8px;border-top:1px solid #eaeef2}.p{background:none;font-size:13px}.s{color:#59636e}
.m{display:inline-block;width:56px;text-align:center;font:bold 11px ui-monospace,monospace;color:#fff;border-radius:3px;padding:2px 0}
.get{background:#0969da}.post{background:#1a7f37}.put{background:#9a6700}.patch{background:#8250df}.delete{background:#cf222e}
</style></head><body><h1>${esc(doc.info.title)} <small>v${esc(doc.info.version)}</small></h1>
${paragraphs(doc.info.description)}
<nav><a href="/api/docs/json">OpenAPI document (JSON)</a><a href="${UI_PREFIX}">Swagger UI (try calls)</a>${tags
    .filter((t) => byTag.has(t))
    .map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`)
    .join('')}</nav>
${sections}</body></html>`;
}
