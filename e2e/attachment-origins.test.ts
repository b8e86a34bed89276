import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { TEST_DIALECTS } from '../packages/server/src/testing/databases.ts';
import { FIXTURE_PASSWORD } from '../packages/server/src/testing/fixtures.ts';
import { eventBody } from '../packages/server/src/modules/events/events.test-helpers.ts';
import { ApiError, apiFetch, sameOriginUrl } from '../packages/web/src/api/client.ts';
import { launchBrowser, signIn, startServer, type RunningServer } from './harness.ts';

/*
 * Issue 11.2: the session token must never reach another origin through an attachment URL.
 * The "foreign origin" is a second HTTP server on 127.0.0.1 (another port, so another origin)
 * that behaves as an attacker would: it allows any origin and the Authorization header in CORS,
 * so that a browser would send it the token if the app asked it to. It logs every request.
 * External https: files are played by a Playwright route on https://cdn.foreign.test.
 */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const CDN = 'https://cdn.foreign.test';

interface Logged {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

async function startForeignOrigin(): Promise<{ server: Server; origin: string; log: Logged[] }> {
  const log: Logged[] = [];
  const server = createServer((req, res) => {
    log.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader('access-control-allow-headers', 'authorization, content-type');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') return res.writeHead(204).end();
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log };
}

/** Every way a URL was written to leave the app's origin (the foreign server's host and port). */
function badUrls(foreign: string): string[] {
  const hostPort = foreign.replace(/^http:\/\//, '');
  return [
    `HTTP://${hostPort}/upper.png`,
    `http://${hostPort}/plain.png`,
    `http:/\\${hostPort}/backslash.png`,
    `//${hostPort}/scheme-relative.png`,
    `javascript:fetch('${foreign}/js.png')`,
    `data:image/png;base64,${PNG.toString('base64')}`,
    'file:///etc/passwd',
  ];
}

describe('the web API client', () => {
  const origin = 'http://127.0.0.1:8080';
  const g = globalThis as Record<string, unknown>;
  const saved = { window: g.window, localStorage: g.localStorage, fetch: g.fetch };
  afterEach(() => Object.assign(g, saved));

  it('resolves request URLs against its own origin and refuses every other origin', () => {
    expect(sameOriginUrl('/api/v1/events', origin)?.href).toBe(`${origin}/api/v1/events`);
    expect(sameOriginUrl(`${origin}/api/v1/attachments/1`, origin)?.href).toBe(`${origin}/api/v1/attachments/1`);
    for (const url of [
      ...badUrls('http://127.0.0.1:9'),
      'HTTP://attacker.example/x',
      'http:/\\attacker.example/x',
      '//attacker.example/x',
      'https://attacker.example/x',
      'http://127.0.0.1:8081/x',
    ]) {
      expect(sameOriginUrl(url, origin), url).toBeNull();
    }
  });

  it('throws for a cross-origin URL without calling fetch, so no Authorization header is sent', async () => {
    const calls: string[] = [];
    Object.assign(g, {
      window: { location: { origin } },
      localStorage: { getItem: () => 'secret-token', setItem: () => {}, removeItem: () => {} },
      fetch: async (url: string) => {
        calls.push(url);
        return new Response('{}', { status: 200 });
      },
    });
    for (const url of ['HTTP://attacker.example/x.jpg', 'http:/\\attacker.example/x.jpg', '//attacker.example/x.jpg', 'https://attacker.example/x.jpg']) {
      const refused = await apiFetch(url).catch((e: unknown) => e);
      expect(refused, url).toBeInstanceOf(ApiError);
      expect((refused as ApiError).code).toBe('CROSS_ORIGIN');
    }
    expect(calls).toEqual([]);
    await apiFetch('/api/v1/me');
    expect(calls).toEqual([`${origin}/api/v1/me`]);
  });
});

describe.each(TEST_DIALECTS)('attachments in the browser on %s: no request to another origin carries the token', (dialect) => {
  let server: RunningServer;
  let browser: Browser;
  let foreign: Awaited<ReturnType<typeof startForeignOrigin>>;

  beforeAll(async () => {
    server = await startServer(dialect);
    foreign = await startForeignOrigin();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.test.close();
    if (foreign) {
      foreign.server.closeAllConnections();
      await new Promise((done) => foreign.server.close(done));
    }
  });

  /** A signed-in page that records every request leaving the app's origin, with all its headers. */
  async function openEvent(eventId: string, prepare?: (ctx: BrowserContext) => Promise<void>) {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const cdnRequests: Record<string, string>[] = [];
    await ctx.route(`${CDN}/**`, async (route) => {
      cdnRequests.push(await route.request().allHeaders());
      await route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
    });
    await prepare?.(ctx);
    const page = await ctx.newPage();
    const appOrigin = new URL(server.baseUrl).origin;
    const elsewhere: Request[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('blob:') && new URL(r.url()).origin !== appOrigin) elsewhere.push(r);
    });
    await signIn(page, server.baseUrl, 'gwA1a', FIXTURE_PASSWORD);
    const token = (await page.evaluate(() => localStorage.getItem('liandong.token'))) as string;
    expect(token).toBeTruthy();
    await page.goto(`${server.baseUrl}/events/${eventId}`);
    await page.getByTestId('event-title').waitFor();
    return { ctx, page, token, elsewhere, cdnRequests };
  }

  async function uploadPhoto(): Promise<string> {
    const boundary = '----liandong-e2e';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scene.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await server.test.app.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: await server.test.login('gwA1a') },
    });
    expect(res.statusCode).toBe(201);
    return res.json().dataId;
  }

  async function expectNoTokenLeft(page: Page, token: string, elsewhere: Request[], cdnRequests: Record<string, string>[]) {
    for (const r of elsewhere) {
      const headers = await r.allHeaders();
      expect(headers.authorization, r.url()).toBeUndefined();
      expect(JSON.stringify(headers), r.url()).not.toContain(token);
    }
    for (const h of cdnRequests) {
      expect(h.authorization).toBeUndefined();
      expect(h.referer).toBeUndefined();
    }
    // The foreign origin was not even asked (only https: leaves the app, and this one is http:).
    expect(foreign.log.map((l) => `${l.method} ${l.url} ${l.headers.authorization ?? ''}`)).toEqual([]);
    expect(JSON.stringify(foreign.log)).not.toContain(token);
    await page.context().close();
  }

  it('shows an uploaded photo with the token, an https: one plainly, and old bad URLs not at all', async () => {
    const dataId = await uploadPhoto();
    const created = await server.test.as('gwA1a')(
      'POST',
      '/api/v1/events',
      eventBody(server.test, {
        attachments: [
          { dataId, kind: 'photo' },
          { url: `${CDN}/snap.png`, kind: 'photo' },
        ],
      }),
    );
    expect(created.statusCode).toBe(201);
    const eventId = created.json().id as string;
    // Rows stored before URLs were checked: what an old database may hold.
    for (const url of badUrls(foreign.origin)) {
      await server.test.deps.db
        .insertInto('attachments')
        .values({
          id: server.test.deps.ids.id(),
          event_id: eventId,
          kind: 'photo',
          mime: null,
          size_bytes: null,
          sha256: null,
          storage_path: null,
          url,
          original_name: null,
          uploaded_by: null,
          created_at: server.test.clock.now().toISOString(),
        })
        .execute();
    }

    const { page, token, elsewhere, cdnRequests } = await openEvent(eventId);
    const images = page.getByTestId('attachment-image').locator('img').or(page.locator('img[data-testid="attachment-image"]'));
    await expect.poll(() => images.count()).toBe(2);
    const sources = await images.evaluateAll((els) => els.map((e) => (e as HTMLImageElement).src));
    expect(sources.filter((s) => s.startsWith('blob:'))).toHaveLength(1);
    expect(sources).toContain(`${CDN}/snap.png`);
    await expect.poll(() => page.getByTestId('attachment-unavailable').count()).toBe(badUrls(foreign.origin).length);
    expect(cdnRequests.length).toBeGreaterThanOrEqual(1);
    await expectNoTokenLeft(page, token, elsewhere, cdnRequests);
  });

  it('refuses to send the token even when an API answer hands out URLs to another origin', async () => {
    const created = await server.test.as('gwA1a')('POST', '/api/v1/events', eventBody(server.test, { category: '0101' }));
    expect(created.statusCode).toBe(201);
    const eventId = created.json().id as string;
    const bad = badUrls(foreign.origin);
    // As if a server (an older one, or one behind a careless proxy) presented the stored URLs as they are.
    const { page, token, elsewhere, cdnRequests } = await openEvent(eventId, (ctx) =>
      ctx.route(`**/api/v1/events/${eventId}`, async (route) => {
        const res = await route.fetch();
        const body = await res.json();
        body.attachments = bad.map((url, i) => ({ id: `bad-${i}`, kind: 'photo', url, mime: null }));
        await route.fulfill({ response: res, json: body });
      }),
    );
    await expect.poll(() => page.getByTestId('attachment-unavailable').count()).toBe(bad.length);
    await expectNoTokenLeft(page, token, elsewhere, cdnRequests);
  });
});
