import fc from 'fast-check';
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
        .filter((m) => path !== '/api/v1/auth/logout')
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
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: admin, 'content-type': 'application/json' }, payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('never answers 500 to random JSON bodies, queries and path parameters', async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const param = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('0', '-1', '99999999999999999999', '../../etc/passwd', '%00', 'null', '🙂', "' or 1=1 --"));
    const query = fc.dictionary(fc.constantFrom('status', 'limit', 'cursor', 'lng', 'lat', 'kind', 'parentId', 'q', 'role', 'category', 'orgUnitId', 'dryRun', 'overdue'), fc.string({ maxLength: 30 }), { maxKeys: 4 });
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
});
