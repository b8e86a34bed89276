import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * Scenario 9: malformed, oversized or hostile input to any endpoint gets a clear 4xx with the
 * error shape — never a 500. Every route of the OpenAPI document is called as an administrator
 * (the role that reaches the most code) with broken bodies, queries and path parameters.
 */
describe.each(TEST_DIALECTS)('hostile input on every route (%s)', (dialect) => {
  let t: TestApp;
  let admin: string;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { http: { bodyLimitBytes: 64 * 1024 } } });
    admin = await t.login('admin');
    const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        // Logging out would end the admin's session for the rest of the test.
        .filter(() => path !== '/api/v1/auth/logout')
        // Event streams stay open until the client leaves (stream.routes.test.ts uses a real client).
        .filter(() => !path.endsWith('/stream'))
        .map((m) => ({ method: m.toUpperCase(), path })),
    );
  });
  afterAll(async () => t?.close());

  const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, encodeURIComponent(value));

  function expectClientError(res: { statusCode: number; body: string }, what: string) {
    expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) {
      const body = JSON.parse(res.body);
      expect(body.error?.code, what).toMatch(/^[A-Z_]+$/);
      expect(typeof body.error?.message, what).toBe('string');
    }
  }

  it('covers the Auth, Organisation and Events routes of api.md', () => {
    const paths = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const p of [
      'POST /api/v1/auth/login',
      'GET /api/v1/me',
      'POST /api/v1/api-keys',
      'GET /api/v1/org-units',
      'GET /api/v1/org-units/{id}',
      'GET /api/v1/org-units/locate',
      'POST /api/v1/org-units/import',
      'GET /api/v1/users',
      'POST /api/v1/events',
      'GET /api/v1/events',
      'GET /api/v1/events/{id}',
      'GET /api/v1/events/{id}/timeline',
      'POST /api/v1/events/{id}/comments',
      'POST /api/v1/events/{id}/supervise',
      'POST /api/v1/events/{id}/urge',
      'POST /api/v1/events/{id}/rating',
      'POST /api/v1/events/{id}/reopen',
      'GET /api/v1/categories',
      'PUT /api/v1/categories/{code}',
    ]) {
      expect(paths, p).toContain(p);
    }
  });

  it('answers malformed JSON with 400 MALFORMED_JSON on every route that takes a body', async () => {
    for (const r of routes.filter((x) => ['POST', 'PUT', 'PATCH'].includes(x.method))) {
      const res = await t.app.inject({
        method: r.method as 'POST',
        url: fill(r.path, 'x'),
        headers: { authorization: admin, 'content-type': 'application/json' },
        payload: '{"title": "unterminated',
      });
      expectClientError(res, `${r.method} ${r.path} malformed`);
    }
  });

  it('answers bodies over the limit with 413', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(70 * 1024) });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { authorization: admin, 'content-type': 'application/json' },
      payload: big,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('never answers 500 to random JSON bodies, queries and path parameters', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const param = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('0', '-1', '99999999999999999999', '../../etc/passwd', '%00', 'null', '🙂', "' or 1=1 --"),
    );
    const query = fc.dictionary(
      fc.constantFrom('status', 'limit', 'cursor', 'lng', 'lat', 'kind', 'parentId', 'q', 'role', 'category', 'orgUnitId', 'dryRun', 'overdue'),
      fc.string({ maxLength: 30 }),
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), json, param, query, async (r, body, p, q) => {
        const qs = new URLSearchParams(q).toString();
        const hasBody = ['POST', 'PUT', 'PATCH'].includes(r.method);
        const res = await t.app.inject({
          method: r.method as 'POST',
          url: `${fill(r.path, p || 'x')}${qs ? `?${qs}` : ''}`,
          headers: { authorization: admin, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
          ...(hasBody ? { payload: JSON.stringify(body) } : {}),
        });
        expectClientError(res, `${r.method} ${r.path}?${qs} ${JSON.stringify(body).slice(0, 200)}`);
      }),
      { numRuns: 400, seed: 20261128 },
    );
  });
  const multipart = (boundary: string, parts: string[]) => parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`;
  const filePart = (name: string, filename: string, content: string) =>
    `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}`;
  const upload = (url: string, contentType: string, payload: string, authorization: string | null = admin) =>
    t.app.inject({ method: 'POST', url, headers: { ...(authorization ? { authorization } : {}), 'content-type': contentType }, payload });

  it('answers malformed multipart uploads with 400 MALFORMED_MULTIPART (issue 11, point 5)', async () => {
    const whole = multipart('xyz', [filePart('file', 'a.csv', 'plate,owner\n蒙J12345,张三')]);
    for (const url of ['/api/v1/attachments', '/api/v1/vehicles/import']) {
      for (const [what, ct, body] of [
        ['no boundary', 'multipart/form-data', whole],
        ['a truncated body', 'multipart/form-data; boundary=xyz', whole.slice(0, whole.indexOf('\r\n\r\n') + 10)],
      ] as const) {
        const res = await upload(url, ct, body);
        expect(res.statusCode, `${url} with ${what}: ${res.body}`).toBe(400);
        expect(res.json().error.code, `${url} with ${what}`).toBe('MALFORMED_MULTIPART');
        expect(typeof res.json().error.message).toBe('string');
      }
      // Cut inside the first part's header, the parser ends before reporting the cut: no file.
      const cut = await upload(url, 'multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-da');
      expect(cut.statusCode, cut.body).toBe(400);
      expect(cut.json().error).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'The multipart body has no `file` field',
        details: [{ path: 'body.file', message: 'required' }],
      });
    }
  });

  it('never answers 500 to random multipart bodies on any route that takes a body', async () => {
    const bodyRoutes = routes.filter((x) => ['POST', 'PUT', 'PATCH'].includes(x.method));
    const boundary = fc.oneof(
      fc.constant(''),
      fc.constant('xyz'),
      fc.string({ minLength: 1, maxLength: 70 }).filter((b) => !/[\r\n";]/.test(b)),
    );
    const part = fc.record({
      name: fc.constantFrom('file', 'kind', 'x', '__proto__', ''),
      filename: fc.option(fc.constantFrom('a.jpg', 'a.csv', '../../x', ''), { nil: undefined }),
      content: fc.string({ maxLength: 60 }),
    });
    const cut = fc.option(fc.nat({ max: 400 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodyRoutes), boundary, fc.boolean(), fc.array(part, { maxLength: 3 }), cut, async (r, b, declare, parts, at) => {
        const text = multipart(
          b || 'xyz',
          parts.map((p) =>
            p.filename === undefined ? `Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.content}` : filePart(p.name, p.filename, p.content),
          ),
        );
        const res = await upload(
          fill(r.path, 'x'),
          declare ? `multipart/form-data; boundary=${b}` : 'multipart/form-data',
          at === undefined ? text : text.slice(0, at),
        );
        expectClientError(res, `${r.method} ${r.path} multipart ${JSON.stringify(text.slice(0, 200))} cut at ${at}`);
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it('refuses an unauthenticated request with 401 before its body is read or validated', async () => {
    const open = new Set(['POST /api/v1/auth/login', 'POST /api/v1/sms/receipts/http']);
    for (const r of routes.filter((x) => x.path.startsWith('/api/v1/') && !open.has(`${x.method} ${x.path}`))) {
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(r.method);
      const res = await t.app.inject({
        method: r.method as 'POST',
        url: fill(r.path, 'x'),
        ...(hasBody ? { headers: { 'content-type': 'application/json' }, payload: '{"title": "unterminated' } : {}),
      });
      expect(res.statusCode, `${r.method} ${r.path} → ${res.body}`).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
    // A body that parses but is invalid, and a malformed multipart upload: 401 all the same.
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/events', payload: { title: 42 } });
    expect(bad.statusCode, bad.body).toBe(401);
    const up = await upload('/api/v1/attachments', 'multipart/form-data', 'garbage', null);
    expect(up.statusCode, up.body).toBe(401);
    // A signed-in user without the role is refused (403) before validation, too.
    const worker = await t.login('gwA1a');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/categories/x',
      headers: { authorization: worker, 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(put.statusCode, put.body).toBe(403);
  });

  it('answers a path segment over the limit with 414 in the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/org-units/${'x'.repeat(500)}`, headers: { authorization: admin } });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual({ error: { code: 'URI_TOO_LONG', message: expect.any(String) } });
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/org-units/%E0%A4%A', headers: { authorization: admin } });
    expect(bad.statusCode).toBeLessThan(500);
    expect(bad.json().error.code).toMatch(/^[A-Z_]+$/);
  });

  /** Sends raw bytes to the listening server and returns the status and parsed JSON body of the answer. */
  async function rawRequest(text: string): Promise<{ status: number; body: unknown }> {
    const address = t.app.server.address();
    if (!address || typeof address === 'string') await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        const answer = Buffer.concat(chunks).toString('utf8');
        const [head, ...rest] = answer.split('\r\n\r\n');
        try {
          resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(rest.join('\r\n\r\n')) });
        } catch (err) {
          reject(new Error(`unexpected answer ${JSON.stringify(answer.slice(0, 300))}: ${String(err)}`));
        }
      });
      socket.end(text);
    });
  }

  it('answers headers over the limit (431) and broken HTTP (400) on the socket in the error shape', async () => {
    const big = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toEqual({ status: 431, body: { error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } } });
    const longUrl = await rawRequest(`GET /api/v1/events?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longUrl).toEqual({ status: 431, body: { error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } } });
    const broken = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
    expect(broken).toEqual({ status: 400, body: { error: { code: 'MALFORMED_REQUEST', message: expect.any(String) } } });
  });
});
