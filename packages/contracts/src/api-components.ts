import { z } from 'zod';
import { ApiKey, Membership, User } from './auth.ts';
import { Category } from './catalog.ts';
import { ERROR_CODES, ErrorBody, type ErrorCode } from './errors.ts';
import { EventView, Page, TimelineEntry } from './events.ts';
import { InboxNotification, SmsMessage } from './notify.ts';
import { OrgUnit } from './org.ts';
import { Condition, ProcessDefinition, ProcessNode, ProcessProblem } from './process.ts';
import { InstanceView, TaskView } from './tasks.ts';
import { Vehicle } from './vehicles.ts';

/**
 * The named components of the OpenAPI document (`GET /api/docs/json`). Importing this module
 * gives these contracts schemas an `id` in zod's global registry, and the server's document
 * generator (packages/server/src/http/openapi.ts) then writes each of them once under
 * `components.schemas` and refers to it wherever a route uses it. Recursive shapes (a process
 * definition's conditions) cannot be written inline at all. Schemas used in requests are named
 * with an `Input` suffix where their input and output forms differ (defaults, transforms).
 *
 * Only the server imports this module: the web app does not need the names.
 */

/** Every error code, from the one table (ERROR_CODES). New codes may be added in later versions. */
export const ApiErrorCode = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** The error shape of api.md, with its code typed: what the document names `Error`. */
export const ApiErrorBody = ErrorBody.extend({
  error: ErrorBody.shape.error.extend({ code: ApiErrorCode }),
});

const COMPONENTS: [z.ZodType, string, string][] = [
  [
    ApiErrorCode,
    'ErrorCode',
    'An error code of the API (api.md, Errors); each has one HTTP status. Clients should treat a code they do not know by its status.',
  ],
  [ApiErrorBody, 'Error', 'Every error answer: {"error": {code, message, details?}} (api.md, Errors).'],
  [EventView, 'EventView', 'An event as the API shows it (personal data masked outside the caller’s scope).'],
  [Page(EventView), 'EventPage', 'A page of events, newest first; pass nextCursor as `cursor` for the next page (null on the last).'],
  [TimelineEntry, 'TimelineEntry', 'One step of an event’s history.'],
  [Condition, 'Condition', 'A decision branch’s condition: a field test, or all/any/not of conditions (recursive).'],
  [ProcessNode, 'ProcessNode', 'One node of a process definition.'],
  [ProcessDefinition, 'ProcessDefinition', 'A process definition (configuration center).'],
  [ProcessProblem, 'ProcessProblem', 'A problem the validator found in a process definition.'],
  [Category, 'Category', 'An event category with its limits and routing rules.'],
  [OrgUnit, 'OrgUnit', 'An org unit: territorial (county, township, village, grid) or a department/station.'],
  [User, 'User', 'A platform user (phone masked outside the caller’s scope).'],
  [Membership, 'Membership', 'A user’s role in an org unit.'],
  [ApiKey, 'ApiKey', 'An API key (its secret is shown once, at creation).'],
  [TaskView, 'Task', 'A task of a process instance.'],
  [InstanceView, 'ProcessInstance', 'A process instance of an event.'],
  [InboxNotification, 'Notification', 'An in-app notification.'],
  [SmsMessage, 'SmsMessage', 'An SMS and its delivery status.'],
  [Page(SmsMessage), 'SmsMessagePage', 'A page of SMS messages; pass nextCursor as `cursor` for the next page.'],
  [Vehicle, 'Vehicle', 'A registered vehicle (owner masked except for administrators).'],
];

for (const [schema, id, description] of COMPONENTS) {
  // Keep what .describe()/.meta() already said; the module may be evaluated more than once.
  const meta = z.globalRegistry.get(schema);
  if (meta?.id === id) continue;
  z.globalRegistry.add(schema, { ...meta, id, description: meta?.description ?? description });
}

/** The component names, for the document's tests. */
export const API_COMPONENT_NAMES = COMPONENTS.map(([, id]) => id);
