import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { ERROR_CODES, type ApiKeyScope, type ErrorCode, type Role } from '@liandong/contracts';
import '@liandong/contracts/api-components';
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { OpenAPIV3 } from 'openapi-types';
import { guardOptionsOf, type GuardOptions } from '../modules/auth/guards.ts';

/**
 * The OpenAPI document (`GET /api/docs/json`, OpenAPI 3.0.3), generated from the routes' zod
 * schemas by @fastify/swagger and fastify-type-provider-zod, and completed here from one table:
 *
 * - every operation gets its `operationId` (and, where the route has none, its summary) from
 *   OPERATIONS below — stable names for generated clients, independent of paths;
 * - its `security` comes from the route's guard (authenticate() in modules/auth/guards.ts):
 *   a session (bearer), an API key with the scopes the guard names, or explicitly none;
 * - its error responses are derived from what the route does (validates input → 400, guarded →
 *   401/403, path parameters → 404) plus the codes OPERATIONS lists, all in the one `Error`
 *   component of api.md with the codes named in each description;
 * - shared and recursive shapes are named components (contracts' api-components.ts);
 * - OpenAPI 3.0 has no `null` type: `nullable` is only allowed next to a `type`, so nullable
 *   unions get the type their branches share.
 *
 * openapi.test.ts validates the document, lints it (redocly.yaml at the repository root) and
 * type-checks a client generated from it.
 */

export interface OperationDoc {
  /** camelCase, from the module and the action: listEvents, createEvent. Never change one. */
  id: string;
  /** For routes whose schema has none. */
  summary?: string;
  /** Error codes the operation can answer with beyond those derived from the route (see above). */
  errors?: ErrorCode[];
  /**
   * For routes without a guard: `public` (no credentials), or `session` for a route that checks
   * the session itself (the event stream also takes `?access_token=`).
   */
  auth?: 'public' | 'session';
  /** A request body the zod schemas do not describe (multipart uploads). */
  requestBody?: OpenAPIV3.RequestBodyObject;
}

const upload = (description: string, extra: Record<string, OpenAPIV3.SchemaObject> = {}): OpenAPIV3.RequestBodyObject => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description }, ...extra } },
    },
  },
});

/** Every operation of the API, keyed by "METHOD /path" as the document writes the path. */
export const OPERATIONS: Record<string, OperationDoc> = {
  'GET /healthz': { id: 'getHealth', auth: 'public' },
  'GET /readyz': { id: 'getReadiness', auth: 'public' },

  'POST /api/v1/auth/login': {
    id: 'login',
    summary: 'Sign in with username and password: a session token for `Authorization: Bearer`',
    auth: 'public',
    errors: ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'RATE_LIMITED'],
  },
  'POST /api/v1/auth/logout': { id: 'logout', summary: 'Sign out: the session token is revoked' },
  'GET /api/v1/me': { id: 'getMe', summary: 'The signed-in user, their memberships and data scope' },
  'POST /api/v1/api-keys': { id: 'createApiKey', summary: 'Create an API key (admin); its secret is in this answer only', errors: ['UNKNOWN_ORG_UNIT'] },
  'GET /api/v1/api-keys': { id: 'listApiKeys', summary: 'Every API key, without secrets (admin)' },
  'DELETE /api/v1/api-keys/{id}': { id: 'revokeApiKey', summary: 'Revoke an API key (admin)' },
  'GET /api/v1/audit-log': { id: 'listAuditLog', summary: 'The audit log, newest first (admin)' },

  'GET /api/v1/users': { id: 'listUsers' },
  'POST /api/v1/users': { id: 'createUser', summary: 'Create a user with memberships (admin)', errors: ['USERNAME_TAKEN', 'UNKNOWN_ORG_UNIT', 'OUT_OF_SCOPE'] },
  'PATCH /api/v1/users/{id}': { id: 'updateUser', summary: 'Change a user’s name, phone, password or status (admin)', errors: ['CONFLICT', 'OUT_OF_SCOPE'] },
  'POST /api/v1/users/{id}/memberships': {
    id: 'addMembership',
    summary: 'Give a user a role in an org unit (admin)',
    errors: ['CONFLICT', 'UNKNOWN_ORG_UNIT', 'OUT_OF_SCOPE'],
  },
  'DELETE /api/v1/users/{id}/memberships/{membershipId}': { id: 'removeMembership', summary: 'Take a membership away (admin)', errors: ['OUT_OF_SCOPE'] },

  'GET /api/v1/org-units': { id: 'listOrgUnits' },
  'POST /api/v1/org-units': { id: 'createOrgUnit', errors: ['CONFLICT', 'UNKNOWN_ORG_UNIT', 'SEMANTIC_ERROR'] },
  'GET /api/v1/org-units/locate': { id: 'locatePoint', errors: ['OUTSIDE_JURISDICTION'] },
  'GET /api/v1/org-units/boundaries': { id: 'getBoundaries' },
  'GET /api/v1/org-units/{id}': { id: 'getOrgUnit' },
  'PATCH /api/v1/org-units/{id}': { id: 'updateOrgUnit', errors: ['CONFLICT', 'SEMANTIC_ERROR'] },
  'POST /api/v1/org-units/import': { id: 'importBoundaries', errors: ['BOUNDARY_INVALID', 'SEMANTIC_ERROR'] },

  'GET /api/v1/categories': { id: 'listCategories' },
  'GET /api/v1/categories/{code}': { id: 'getCategory' },
  'PUT /api/v1/categories/{code}': { id: 'putCategory', errors: ['SEMANTIC_ERROR', 'UNKNOWN_CATEGORY', 'UNKNOWN_ORG_UNIT'] },

  'POST /api/v1/events': {
    id: 'createEvent',
    errors: [
      'OUTSIDE_JURISDICTION',
      'OUTSIDE_KEY_SCOPE',
      'UNKNOWN_CATEGORY',
      'CATEGORY_NOT_LEAF',
      'OCCURRED_AT_OUT_OF_RANGE',
      'INVALID_ATTACHMENT',
      'ATTACHMENT_URL_INVALID',
    ],
  },
  'GET /api/v1/events': { id: 'listEvents' },
  'GET /api/v1/events/{id}': { id: 'getEvent' },
  'GET /api/v1/events/{id}/timeline': { id: 'getEventTimeline' },
  'POST /api/v1/events/{id}/comments': { id: 'commentOnEvent' },
  'POST /api/v1/events/{id}/supervise': { id: 'superviseEvent', errors: ['INVALID_STATE'] },
  'POST /api/v1/events/{id}/urge': { id: 'urgeEvent', errors: ['INVALID_STATE'] },
  'POST /api/v1/events/{id}/rating': { id: 'rateEvent', errors: ['INVALID_STATE'] },
  'POST /api/v1/events/{id}/reopen': { id: 'reopenEvent', errors: ['INVALID_STATE'] },
  'GET /api/v1/events/{id}/process': { id: 'getEventProcess' },
  'POST /api/v1/events/{id}/signals': { id: 'sendEventSignal', errors: ['SIGNAL_FORBIDDEN'] },
  'POST /api/v1/attachments': {
    id: 'uploadAttachment',
    errors: ['MALFORMED_MULTIPART', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'INVALID_ATTACHMENT'],
    requestBody: upload('The file', { kind: { type: 'string', enum: ['photo', 'video', 'audio', 'document'], description: 'Default: from the file’s type' } }),
  },
  'GET /api/v1/attachments/{id}': { id: 'getAttachment' },

  'GET /api/v1/duty-rosters': { id: 'listDutyRosters', errors: ['ORG_UNIT_NOT_FOUND', 'OUT_OF_SCOPE'] },
  'POST /api/v1/duty-rosters': {
    id: 'createDutyRoster',
    errors: ['ORG_UNIT_NOT_FOUND', 'USER_NOT_FOUND', 'OUT_OF_SCOPE', 'DUTY_ROSTER_OVERLAP', 'NOT_A_MEMBER', 'SEMANTIC_ERROR'],
  },
  'DELETE /api/v1/duty-rosters/{id}': { id: 'deleteDutyRoster', errors: ['OUT_OF_SCOPE'] },

  'GET /api/v1/stream': { id: 'openEventStream', auth: 'session', errors: ['ORG_UNIT_NOT_FOUND', 'OUT_OF_SCOPE', 'RATE_LIMITED'] },

  'GET /api/v1/notifications': { id: 'listNotifications' },
  'POST /api/v1/notifications/{id}/read': { id: 'markNotificationRead' },
  'POST /api/v1/notifications/read-all': { id: 'markAllNotificationsRead' },
  'GET /api/v1/sms-messages': { id: 'listSmsMessages' },
  'GET /api/v1/sms-messages/{id}/attempts': { id: 'listSmsAttempts' },
  'GET /api/v1/sms-templates': { id: 'listSmsTemplates' },
  'PUT /api/v1/sms-templates/{kind}': { id: 'putSmsTemplate', errors: ['TEMPLATE_INVALID'] },
  'POST /api/v1/sms/receipts/http': { id: 'receiveHttpSmsReceipt', auth: 'public', errors: ['UNAUTHENTICATED', 'FORBIDDEN'] },

  'GET /api/v1/calendars': { id: 'listCalendars' },
  'GET /api/v1/calendars/{id}': { id: 'getCalendar' },
  'PUT /api/v1/calendars/{id}': { id: 'updateCalendar', errors: ['CALENDAR_INVALID', 'SEMANTIC_ERROR'] },
  'PUT /api/v1/calendars/{id}/days/{date}': { id: 'putCalendarDay', errors: ['CALENDAR_INVALID', 'SEMANTIC_ERROR'] },
  'DELETE /api/v1/calendars/{id}/days/{date}': { id: 'deleteCalendarDay' },
  'GET /api/v1/calendars/{id}/deadline': { id: 'computeDeadline', errors: ['SEMANTIC_ERROR'] },

  'GET /api/v1/processes': { id: 'listProcesses' },
  'POST /api/v1/processes/validate': { id: 'validateProcess' },
  'GET /api/v1/processes/{key}': { id: 'getProcess' },
  'PUT /api/v1/processes/{key}': { id: 'saveProcessVersion', errors: ['PROCESS_INVALID'] },
  'GET /api/v1/processes/{key}/versions/{version}': { id: 'getProcessVersion' },
  'POST /api/v1/processes/{key}/activate': { id: 'activateProcessVersion' },
  'POST /api/v1/process-instances/{id}/retry': { id: 'retryProcessInstance', errors: ['INVALID_STATE'] },
  'POST /api/v1/process-instances/{id}/skip': { id: 'skipProcessInstanceStep', errors: ['INVALID_STATE'] },
  'POST /api/v1/process-instances/{id}/suspend': { id: 'suspendProcessInstance', errors: ['INVALID_STATE'] },
  'POST /api/v1/process-instances/{id}/resume': { id: 'resumeProcessInstance', errors: ['INVALID_STATE'] },
  'POST /api/v1/process-instances/{id}/migrate': { id: 'migrateProcessInstance', errors: ['INVALID_STATE', 'PROCESS_NOT_FOUND', 'PROCESS_INVALID'] },

  'GET /api/v1/tasks': { id: 'listTasks' },
  'GET /api/v1/tasks/{id}': { id: 'getTask' },
  'POST /api/v1/tasks/{id}/claim': { id: 'claimTask', errors: ['INVALID_STATE'] },
  'POST /api/v1/tasks/{id}/complete': { id: 'completeTask', errors: ['INVALID_STATE', 'UNKNOWN_OUTCOME', 'INVALID_ATTACHMENT'] },
  'POST /api/v1/tasks/{id}/return': { id: 'returnTask', errors: ['INVALID_STATE'] },
  'POST /api/v1/tasks/{id}/transfer': { id: 'transferTask', errors: ['INVALID_STATE', 'UNKNOWN_ORG_UNIT'] },
  'POST /api/v1/tasks/{id}/extend': { id: 'extendTask', errors: ['INVALID_STATE'] },
  'POST /api/v1/tasks/{id}/shelve': { id: 'shelveTask', errors: ['INVALID_STATE'] },
  'POST /api/v1/tasks/{id}/resume': { id: 'resumeTask', errors: ['INVALID_STATE'] },
  'POST /api/v1/tasks/{id}/approve': { id: 'approveTaskRequest', errors: ['INVALID_STATE'] },

  'POST /api/v1/vehicles/reminders': { id: 'createPlateReminder', errors: ['INVALID_PLATE', 'UNKNOWN_CATEGORY', 'OUTSIDE_JURISDICTION', 'OUTSIDE_KEY_SCOPE'] },
  'GET /api/v1/vehicles': { id: 'listVehicles' },
  'POST /api/v1/vehicles': { id: 'createVehicle', errors: ['INVALID_PLATE'] },
  'GET /api/v1/vehicles/{plate}': { id: 'getVehicle', errors: ['INVALID_PLATE'] },
  'PUT /api/v1/vehicles/{plate}': { id: 'putVehicle', errors: ['INVALID_PLATE'] },
  'DELETE /api/v1/vehicles/{plate}': { id: 'deleteVehicle', errors: ['INVALID_PLATE'] },
  'POST /api/v1/vehicles/import': {
    id: 'importVehicles',
    errors: ['MALFORMED_MULTIPART', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
    requestBody: upload('A CSV or XLSX file (the body may also be the file itself, sent as text/csv or the XLSX type)'),
  },
};

/** The "not found" code of a route with path parameters, by the first segment of its path. */
const NOT_FOUND_BY_RESOURCE: Record<string, ErrorCode> = {
  'api-keys': 'API_KEY_NOT_FOUND',
  users: 'USER_NOT_FOUND',
  'org-units': 'ORG_UNIT_NOT_FOUND',
  categories: 'CATEGORY_NOT_FOUND',
  events: 'EVENT_NOT_FOUND',
  attachments: 'ATTACHMENT_NOT_FOUND',
  'duty-rosters': 'DUTY_ROSTER_NOT_FOUND',
  notifications: 'NOTIFICATION_NOT_FOUND',
  'sms-messages': 'NOT_FOUND',
  'sms-templates': 'NOT_FOUND',
  calendars: 'CALENDAR_NOT_FOUND',
  processes: 'PROCESS_NOT_FOUND',
  'process-instances': 'INSTANCE_NOT_FOUND',
  tasks: 'TASK_NOT_FOUND',
  vehicles: 'VEHICLE_NOT_FOUND',
};

/** The document's tags: one per module, in this order. */
export const TAGS: OpenAPIV3.TagObject[] = [
  { name: 'system', description: 'Health and readiness of the node' },
  { name: 'auth', description: 'Sessions, API keys and the audit log' },
  { name: 'users', description: 'Users and their memberships' },
  { name: 'org', description: 'The territory tree, boundaries and departments' },
  { name: 'catalog', description: 'Event categories: limits, confirmation, routing' },
  { name: 'events', description: 'Reporting events, the event plaza, actions and attachments' },
  { name: 'duty', description: 'Duty rosters' },
  { name: 'stream', description: 'Live updates (Server-Sent Events)' },
  { name: 'notifications', description: 'In-app notifications, SMS messages and templates' },
  { name: 'sms', description: 'Delivery receipts from SMS gateways' },
  { name: 'calendars', description: 'The working calendar' },
  { name: 'processes', description: 'The configuration center: process definitions and instances' },
  { name: 'tasks', description: 'The task inbox and task actions' },
  { name: 'vehicles', description: 'The vehicle registry and plate reminders' },
];

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in, or the credential is not valid',
  403: 'Not allowed',
  404: 'Not found',
  408: 'Request timeout',
  409: 'Conflict with the current state',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Well-formed but not acceptable',
  429: 'Too many requests',
  431: 'Request headers too large',
  500: 'Internal error',
  503: 'Unavailable',
};

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
const METHODS: Method[] = ['get', 'put', 'post', 'delete', 'patch'];

/** `/events/:id` → `/events/{id}`, as the document writes paths. */
export const documentPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

interface Derived {
  errors: Map<number, Set<ErrorCode>>;
}

/** The guard of a route (authenticate() moved to onRequest by the auth hook, or still a preHandler). */
function guardOf(route: RouteOptions): Readonly<GuardOptions> | undefined {
  const hooks = [route.onRequest, route.preHandler].flatMap((h) => (h === undefined ? [] : Array.isArray(h) ? h : [h]));
  for (const hook of hooks) {
    const opts = guardOptionsOf(hook);
    if (opts) return opts;
  }
  return undefined;
}

const fallbackId = (method: string, path: string) =>
  method.toLowerCase() +
  path
    .replace(/^\/api\/v1/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/** The @fastify/swagger options: the document's frame, the per-route transform, the final pass. */
export function swaggerOptions(): FastifyDynamicSwaggerOptions {
  const derived = new Map<string, Derived>();

  const transform: FastifyDynamicSwaggerOptions['transform'] = (input) => {
    const out = jsonSchemaTransform(input as never) as { schema: Record<string, unknown>; url: string };
    const schema = out.schema;
    if (!schema || schema.hide) return out;
    const route = input.route as RouteOptions;
    const method = (Array.isArray(route.method) ? route.method[0] : route.method)!;
    const path = documentPath(input.url);
    const key = `${method} ${path}`;
    const op: OperationDoc = OPERATIONS[key] ?? { id: fallbackId(method, path) };
    const guard = guardOf(route);
    const errors = new Map<number, Set<ErrorCode>>();
    const add = (code: ErrorCode) => {
      const status = ERROR_CODES[code];
      if (!errors.has(status)) errors.set(status, new Set());
      errors.get(status)!.add(code);
    };

    const has = (k: string) => schema[k] !== undefined || (k === 'body' && op.requestBody !== undefined);
    if (has('body') || has('querystring') || has('params')) add('VALIDATION_FAILED');
    if (has('body') && !op.requestBody) add('MALFORMED_JSON');
    const query = schema.querystring as { properties?: Record<string, unknown> } | undefined;
    if (query?.properties && 'cursor' in query.properties) add('INVALID_CURSOR');
    const description: string[] = schema.description ? [String(schema.description)] : [];
    if (guard) {
      for (const code of ['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'FORBIDDEN'] as const) add(code);
      if (guard.apiKeyScopes) for (const code of ['INVALID_API_KEY', 'SCOPE_MISSING'] as const) add(code);
      schema.security = guard.apiKeyScopes ? [{ bearer: [] }, { apiKey: [] }] : [{ bearer: [] }];
      if (guard.apiKeyScopes) schema['x-required-scopes'] = guard.apiKeyScopes;
      const who = [
        guard.roles ? `a signed-in user with one of the roles ${guard.roles.map((r: Role) => `\`${r}\``).join(', ')}` : 'a signed-in user',
        guard.apiKeyScopes
          ? `an API key with the scope${guard.apiKeyScopes.length > 1 ? 's' : ''} ${guard.apiKeyScopes.map((s: ApiKeyScope) => `\`${s}\``).join(', ')}`
          : null,
      ].filter(Boolean);
      description.push(`**Access:** ${who.join(', or ')}.`);
    } else if (op.auth === 'session') {
      for (const code of ['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'FORBIDDEN'] as const) add(code);
      schema.security = [{ bearer: [] }];
      description.push('**Access:** a signed-in user.');
    } else {
      schema.security = [];
      description.push('**Access:** public, no credentials.');
    }
    if (/\{[^}]+\}/.test(path)) {
      const resource = path.replace(/^\/api\/v1\//, '').split('/')[0]!;
      add(NOT_FOUND_BY_RESOURCE[resource] ?? 'NOT_FOUND');
    }
    for (const code of op.errors ?? []) add(code);

    schema.operationId = op.id;
    if (!schema.summary && op.summary) schema.summary = op.summary;
    if (description.length) schema.description = description.join('\n\n');
    derived.set(`${method.toLowerCase()} ${path}`, { errors });
    return out;
  };

  const transformObject: FastifyDynamicSwaggerOptions['transformObject'] = (input) => {
    const doc = jsonSchemaTransformObject(input as never) as OpenAPIV3.Document;
    doc.servers = [{ url: '/', description: 'This server' }];
    doc.tags = TAGS;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = item?.[method];
        if (!operation) continue;
        const op = OPERATIONS[`${method.toUpperCase()} ${path}`];
        if (op?.requestBody) operation.requestBody = op.requestBody;
        const found = derived.get(`${method} ${path}`);
        for (const [status, codes] of [...(found?.errors ?? [])].sort(([a], [b]) => a - b)) {
          operation.responses[String(status)] = errorResponse(`${STATUS_TEXT[status] ?? 'Error'}: ${[...codes].map((c) => `\`${c}\``).join(', ')}.`);
        }
        operation.responses.default = errorResponse(
          'Any other error, in the same shape (e.g. 413 `PAYLOAD_TOO_LARGE`, 429 `RATE_LIMITED`, 500 `INTERNAL`, 503 `UNAVAILABLE`).',
        );
      }
    }
    fixNullable(doc);
    pruneComponents(doc);
    return doc;
  };

  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Liandong API',
        description: [
          'Liandong (联动) county social-governance linkage platform.',
          '',
          'Every error answers `{"error": {"code", "message", "details"?}}` (the `Error` schema); each code has one HTTP status.',
          'Sign in with `POST /api/v1/auth/login` and send `Authorization: Bearer <token>`; systems send `X-Api-Key` with the scopes an operation names.',
          'Generate a client: `npx openapi-typescript http://<host>/api/docs/json -o liandong.d.ts`.',
        ].join('\n'),
        version: '1',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A session token from `POST /api/v1/auth/login`' },
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Api-Key',
            description: 'An API key; each operation names the scopes it needs (`x-required-scopes`)',
          },
        },
      },
    },
    transform,
    transformObject,
  };
}

function errorResponse(description: string): OpenAPIV3.ResponseObject {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

/**
 * OpenAPI 3.0 only allows `nullable` next to `type`. zod's 3.0 output writes a nullable union as
 * `{ nullable: true, anyOf: [...] }`: give it the type its branches share, and mark typed
 * branches nullable too (3.0.3: `nullable` does not reach into subschemas). Also unwraps the
 * lone `allOf` zod puts around an optional reference.
 */
function fixNullable(node: unknown, components?: Record<string, unknown>): void {
  if (Array.isArray(node)) return node.forEach((n) => fixNullable(n, components));
  if (!node || typeof node !== 'object') return;
  const schemas = components ?? ((node as OpenAPIV3.Document).components?.schemas as Record<string, unknown> | undefined) ?? {};
  const s = node as Record<string, unknown>;
  if (s.nullable === true && s.type === undefined) {
    const branches = (s.anyOf ?? s.oneOf ?? s.allOf) as Record<string, unknown>[] | undefined;
    const typeOf = (b: Record<string, unknown>): unknown =>
      typeof b.$ref === 'string' ? (schemas[b.$ref.replace('#/components/schemas/', '')] as Record<string, unknown> | undefined)?.type : b.type;
    const types = new Set((branches ?? []).map(typeOf));
    const [type] = [...types];
    if (types.size === 1 && typeof type === 'string') {
      s.type = type;
      for (const b of branches ?? []) if (b.type !== undefined) b.nullable = true;
    } else {
      // No single type to attach it to: each typed branch takes the null (a referenced branch cannot).
      delete s.nullable;
      for (const b of branches ?? []) if (b.type !== undefined) b.nullable = true;
    }
  }
  // zod wraps a reference that is optional in a lone allOf: the reference says the same.
  for (const [key, value] of Object.entries(s)) {
    const v = value as Record<string, unknown> | null;
    if (v && typeof v === 'object' && !Array.isArray(v) && Array.isArray(v.allOf) && v.allOf.length === 1 && Object.keys(v).length === 1) s[key] = v.allOf[0];
  }
  for (const value of Object.values(s)) fixNullable(value, schemas);
}

/** Drops components no operation reaches (the registry names input and output forms of each). */
function pruneComponents(doc: OpenAPIV3.Document): void {
  const components = doc.components;
  const schemas = components?.schemas;
  if (!components || !schemas) return;
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length);
        if (!reached.has(name)) {
          reached.add(name);
          visit(schemas[name]);
        }
      } else visit(v);
    }
  };
  visit(doc.paths);
  components.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => reached.has(name)));
}
