import { compileErrors, validate } from '@readme/openapi-parser';
import { lintFromString, loadConfig, type NormalizedProblem } from '@redocly/openapi-core';
import { ERROR_CODES } from '@liandong/contracts';
import { API_COMPONENT_NAMES } from '@liandong/contracts/api-components';
import fastifySwagger from '@fastify/swagger';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenAPIV3 } from 'openapi-types';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TEST_DIALECTS } from '../testing/databases.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { OPERATIONS, swaggerOptions, TAGS } from './openapi.ts';

/**
 * The served OpenAPI document is a contract integrators generate clients from (issue 20): it
 * must validate, pass the linter's recommended rules (redocly.yaml), name every operation, its
 * security and its errors, and yield a TypeScript client that real calls type-check against.
 */

const REPO = resolve(import.meta.dirname, '../../../..');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Operation = OpenAPIV3.OperationObject & { 'x-required-scopes'?: string[] };
const operationsOf = (doc: OpenAPIV3.Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item?.[m]).map((m) => ({ key: `${m.toUpperCase()} ${path}`, path, method: m, op: item![m] as Operation })),
  );

/** Validator errors, as text (empty when valid). */
async function validationErrors(doc: unknown): Promise<string> {
  const result = await validate(structuredClone(doc) as never);
  return result.valid ? '' : compileErrors(result);
}

/** The linter's problems with the repository's settings (recommended rules). */
async function lint(doc: unknown): Promise<NormalizedProblem[]> {
  const config = await loadConfig({ configPath: join(REPO, 'redocly.yaml') });
  return lintFromString({ source: JSON.stringify(doc, null, 2), absoluteRef: join(REPO, 'openapi.json'), config });
}

const describeProblem = (p: NormalizedProblem) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`;

/**
 * Warnings redocly.yaml keeps (see the comment at each rule there): the health probes take no
 * input and no credentials, so they have no 4xx answer.
 */
const KEPT_WARNINGS = new Set(['operation-4xx-response #/paths/~1healthz/get/responses', 'operation-4xx-response #/paths/~1readyz/get/responses']);

describe.each(TEST_DIALECTS)('the OpenAPI document (%s)', (dialect) => {
  let t: TestApp;
  let doc: OpenAPIV3.Document;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const res = await t.app.inject('/api/docs/json');
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => t?.close());

  it('validates with zero errors and lints clean with the recommended rules', async () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(await validationErrors(doc)).toBe('');
    const problems = await lint(doc);
    expect(problems.filter((p) => p.severity === 'error').map(describeProblem)).toEqual([]);
    const unexpected = problems.filter((p) => !KEPT_WARNINGS.has(`${p.ruleId} ${p.location[0]?.pointer}`));
    expect(unexpected.map(describeProblem)).toEqual([]);
  });

  it('names every operation from the table: stable, unique camelCase ids, a summary, one module tag', () => {
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(80);
    const undocumented = ops.filter(({ key }) => !OPERATIONS[key]).map(({ key }) => key);
    expect(undocumented, 'add these routes to OPERATIONS in http/openapi.ts').toEqual([]);
    const stale = Object.keys(OPERATIONS).filter((key) => !ops.some((o) => o.key === key));
    expect(stale, 'OPERATIONS names routes that do not exist').toEqual([]);
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(TAGS.map((tag) => tag.name));
    for (const { key, op } of ops) {
      expect(op.operationId, key).toMatch(/^[a-z][a-zA-Z0-9]+$/);
      expect(op.summary?.length, `${key} has no summary`).toBeGreaterThan(5);
      expect(op.tags?.length, key).toBe(1);
      expect(tags.has(op.tags![0]!), `${key}: tag ${op.tags} is not in TAGS`).toBe(true);
    }
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('declares the security of every operation, from the route guards', () => {
    const byKey = new Map(operationsOf(doc).map((o) => [o.key, o.op]));
    for (const [key, op] of byKey) expect(op.security, `${key} declares no security`).toBeDefined();
    // Public: health, signing in, the SMS gateway's signed receipts.
    for (const key of ['GET /healthz', 'GET /readyz', 'POST /api/v1/auth/login', 'POST /api/v1/sms/receipts/http'])
      expect(byKey.get(key)?.security, key).toEqual([]);
    // Sessions only (administrators).
    expect(byKey.get('GET /api/v1/users')?.security).toEqual([{ bearer: [] }]);
    expect(byKey.get('PUT /api/v1/processes/{key}')?.security).toEqual([{ bearer: [] }]);
    // Sessions or API keys with the named scope.
    const create = byKey.get('POST /api/v1/events')!;
    expect(create.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(create['x-required-scopes']).toEqual(['events:write']);
    expect(create.description).toContain('`events:write`');
    expect(byKey.get('GET /api/v1/events')?.['x-required-scopes']).toEqual(['events:read']);
  });

  it('documents the error responses with the shared Error component and the codes', () => {
    const codes = new Set(Object.keys(ERROR_CODES));
    const errorSchema = doc.components!.schemas!.Error as OpenAPIV3.SchemaObject;
    expect(errorSchema).toBeDefined();
    expect((doc.components!.schemas!.ErrorCode as OpenAPIV3.SchemaObject).enum).toEqual([...codes]);
    for (const { key, path, op } of operationsOf(doc)) {
      const statuses = Object.keys(op.responses);
      for (const status of statuses.filter((s) => s === 'default' || Number(s) >= 400)) {
        const response = op.responses[status] as OpenAPIV3.ResponseObject;
        expect(response.content?.['application/json']?.schema, `${key} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        for (const code of response.description.match(/`[A-Z_]+`/g) ?? []) expect(codes.has(code.slice(1, -1)), `${key} ${status} ${code}`).toBe(true);
        if (status !== 'default')
          for (const code of response.description.match(/`([A-Z_]+)`/g) ?? [])
            expect(ERROR_CODES[code.slice(1, -1) as keyof typeof ERROR_CODES], `${key}: ${code} under ${status}`).toBe(Number(status));
      }
      expect(statuses, key).toContain('default');
      if ((op.security?.length ?? 0) > 0) expect(statuses, key).toEqual(expect.arrayContaining(['401', '403']));
      if (/\{/.test(path)) expect(statuses, key).toContain('404');
      if (op.requestBody || op.parameters?.length) expect(statuses, key).toContain('400');
    }
    const create = doc.paths['/api/v1/events']!.post!.responses;
    expect((create['422'] as OpenAPIV3.ResponseObject).description).toContain('`OUTSIDE_JURISDICTION`');
    const login = doc.paths['/api/v1/auth/login']!.post!.responses;
    expect((login['401'] as OpenAPIV3.ResponseObject).description).toContain('`INVALID_CREDENTIALS`');
    expect((login['429'] as OpenAPIV3.ResponseObject).description).toContain('`RATE_LIMITED`');
  });

  it('names the shared and recursive shapes as components generated from contracts', () => {
    const schemas = doc.components!.schemas!;
    for (const name of ['Error', 'ErrorCode', 'EventView', 'EventPage', 'Condition', 'ProcessDefinition']) expect(schemas[name], name).toBeDefined();
    for (const name of Object.keys(schemas))
      expect(
        API_COMPONENT_NAMES.some((n) => name === n || name === `${n}Input`),
        name,
      ).toBe(true);
    // The recursive condition refers to itself, not to a schema that is not there.
    expect(JSON.stringify(schemas.Condition)).toContain('"$ref":"#/components/schemas/Condition"');
    const plaza = doc.paths['/api/v1/events']!.get!.responses['200'] as OpenAPIV3.ResponseObject;
    expect(plaza.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/EventPage' });
  });

  it('serves a reference page at /api/docs with every operation in its HTML, Swagger UI at /api/docs/ui', async () => {
    const res = await t.app.inject({ url: '/api/docs', headers: { 'accept-encoding': 'identity' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    // No script to wait for: the operations are in the page as it arrives.
    expect(res.body).not.toContain('<script');
    for (const { op, path } of operationsOf(doc)) {
      expect(res.body).toContain(`id="${op.operationId}"`);
      expect(res.body).toContain(`<code class="p">${path}</code>`);
    }
    expect(res.body).toContain('href="/api/docs/json"');
    expect(res.body).toContain('href="/api/docs/ui#/events/createEvent"');
    const compressed = await t.app.inject({ url: '/api/docs', headers: { 'accept-encoding': 'br' } });
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.rawPayload.length).toBeLessThan(res.rawPayload.length / 4);
    const again = await t.app.inject({ url: '/api/docs', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const ui = await t.app.inject('/api/docs/ui');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
  });

  it.runIf(dialect === 'sqlite')('generates a TypeScript client that real calls type-check against', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liandong-openapi-'));
    try {
      symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
      writeFileSync(join(dir, 'api.d.ts'), astToString(await openapiTS(doc as never)));
      writeFileSync(join(dir, 'client.ts'), CLIENT_CALLS);
      expect(typeCheck(dir, 'client.ts')).toEqual([]);
      // The check has teeth: a call the document does not allow is an error.
      writeFileSync(join(dir, 'wrong.ts'), WRONG_CALL);
      expect(typeCheck(dir, 'wrong.ts').join('\n')).toMatch(/wrong\.ts.*(not assignable|does not exist|No overload)/s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A client as an integrator writes it: log in, report an event, read the plaza and a process. */
const CLIENT_CALLS = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api';

type ErrorCode = components['schemas']['ErrorCode'];
const client = createClient<paths>({ baseUrl: 'https://liandong.example' });

export async function run(): Promise<string[]> {
  const login = await client.POST('/api/v1/auth/login', { body: { username: 'grid-1', password: 'secret' } });
  if (login.error) {
    const code: ErrorCode = login.error.error.code;
    return [code, login.error.error.message];
  }
  const token: string = login.data.token;
  const headers = { Authorization: 'Bearer ' + token };

  const created = await client.POST('/api/v1/events', {
    headers,
    body: { category: 'road', title: 'Pothole', location: { lng: 111.2, lat: 40.1 }, source: 'patrol', urgency: 'urgent' },
  });
  if (created.error) return [created.error.error.code];
  const eventId: string = created.data.id;

  const plaza = await client.GET('/api/v1/events', { headers, params: { query: { limit: 20 } } });
  const first = plaza.data?.items[0];
  const next: string | null | undefined = plaza.data?.nextCursor;

  const process = await client.GET('/api/v1/processes/{key}', { headers, params: { path: { key: 'default-handling' } } });
  const nodeKinds: string[] = process.data?.definition.nodes.map((n) => n.kind) ?? [];

  return [eventId, first?.id ?? '', next ?? '', ...nodeKinds];
}
`;

/** Wrong on purpose: a title must be a string. */
const WRONG_CALL = `
import createClient from 'openapi-fetch';
import type { paths } from './api';
const client = createClient<paths>({ baseUrl: 'https://liandong.example' });
export const wrong = client.POST('/api/v1/events', { body: { category: 'road', title: 42, location: { lng: 1, lat: 2 }, source: 'patrol' } });
`;

/** Type-checks one file of the folder with the TypeScript compiler; the diagnostics as text. */
function typeCheck(dir: string, file: string): string[] {
  const program = ts.createProgram([join(dir, file)], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? d.file.fileName.slice(dir.length + 1) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the document check', () => {
  it('fails for a route whose schema breaks the document (a recursive shape without a name)', async () => {
    type Tree = { children: Tree[] };
    const Tree: z.ZodType<Tree> = z.lazy(() => z.object({ children: z.array(Tree) }));
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(fastifySwagger, swaggerOptions());
    app.get('/api/v1/trees', { schema: { tags: ['org'], summary: 'A tree', response: { 200: z.object({ tree: Tree }) } } }, async () => ({
      tree: { children: [] },
    }));
    await app.ready();
    try {
      const broken = app.swagger();
      expect(await validationErrors(broken)).toMatch(/schema0|resolve|not found|missing/i);
    } finally {
      await app.close();
    }
  });
});
