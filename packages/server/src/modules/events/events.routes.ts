import {
  CommentRequest,
  CreateEventRequest,
  CreateEventResponse,
  EventView,
  type EventView as EventViewT,
  ListEventsQuery,
  NoteRequest,
  Page,
  RatingRequest,
  TimelineEntry,
} from '@liandong/contracts';
import { z } from 'zod';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { registerAttachmentRoutes } from './attachments.routes.ts';
import { addComment, rateEvent, reopenEvent, superviseEvent, urgeEvent } from './event-actions.service.ts';
import { submitReport } from '../intake/intake.ts';
import { getEventById, getEventTimeline, listEvents } from './event-query.service.ts';
import { REPORTING_ROLES } from './events.policy.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const readGuard = authenticate({ apiKeyScopes: ['events:read'] });
const userGuard = authenticate();
const OptionalNote = NoteRequest.optional();

export function registerEventRoutes(app: Api, deps: AppDeps): void {
  app.post(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Report an event (any source); externalId makes it idempotent, nearby repeats merge',
        description:
          'Attachments are `{dataId, kind}` (a file uploaded with POST /attachments by the same caller) or `{url, kind}` with an ' +
          '`https:` URL: parsed, with a host, no user name or password in it, at most 2000 characters; it is stored and ' +
          'presented in its parsed form. Any other URL (`http:`, `HTTP://`, `//host`, `javascript:`, `data:`, `file:`) is ' +
          'refused with 422 `ATTACHMENT_URL_INVALID`. GET /attachments/:id redirects only to such an https: URL. ' +
          'An API key bound to a unit creates events located in that unit’s subtree only (a department or station key: events ' +
          'routed to it); elsewhere 422 `OUTSIDE_KEY_SCOPE`.',
        body: CreateEventRequest,
        response: { 201: CreateEventResponse, 200: CreateEventResponse },
      },
      preHandler: authenticate({ roles: REPORTING_ROLES, apiKeyScopes: ['events:write'] }),
    },
    async (req, reply) => {
      // The body was read by the route's schema: the intake takes it as it is (read once).
      const { outcome, event } = await submitReport(deps, principalOf(req), req.body);
      return reply.code(outcome === 'created' ? 201 : 200).send({ ...event, merged: outcome === 'merged' });
    },
  );

  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Event plaza: events in the caller’s data scope, newest first',
        description: 'status: comma list or `open`; category: code or major prefix; orgUnitId: a unit’s subtree (or a department’s dispatched events).',
        querystring: ListEventsQuery,
        response: { 200: Page(EventView) },
      },
      preHandler: readGuard,
    },
    async (req) => listEvents(deps, principalOf(req), req.query),
  );

  app.get(
    '/events/:id',
    { schema: { tags: ['events'], summary: 'One event with attachments', params: IdParams, response: { 200: EventView } }, preHandler: readGuard },
    async (req) => getEventById(deps, principalOf(req), req.params.id),
  );

  app.get(
    '/events/:id/timeline',
    {
      schema: {
        tags: ['events'],
        summary: 'Every step of an event: who, what, when, which unit',
        params: IdParams,
        response: { 200: z.object({ items: z.array(TimelineEntry) }) },
      },
      preHandler: readGuard,
    },
    async (req) => ({ items: await getEventTimeline(deps, principalOf(req), req.params.id) }),
  );

  const action = <B extends z.ZodTypeAny>(
    path: string,
    summary: string,
    body: B,
    run: (req: { principal: ReturnType<typeof principalOf>; id: string; body: z.infer<B> }) => Promise<EventViewT>,
  ) =>
    app.post(
      `/events/:id/${path}`,
      { schema: { tags: ['events'], summary, params: IdParams, body, response: { 200: EventView } }, preHandler: userGuard },
      async (req) => run({ principal: principalOf(req), id: (req.params as { id: string }).id, body: req.body as z.infer<B> }),
    );

  action('comments', 'Comment on an event', CommentRequest, ({ principal, id, body }) => addComment(deps, principal, id, body.text));
  action('supervise', 'Supervise (督办): leaders, duty officers, administrators; raises urgency', OptionalNote, ({ principal, id, body }) =>
    superviseEvent(deps, principal, id, body?.note),
  );
  action('urge', 'Urge (催办) the current handler', OptionalNote, ({ principal, id, body }) => urgeEvent(deps, principal, id, body?.note));
  action('rating', 'Rate the handling (reporter, once, after closing)', RatingRequest, ({ principal, id, body }) =>
    rateEvent(deps, principal, id, body.score, body.comment),
  );
  action('reopen', 'Reopen a closed event', OptionalNote, ({ principal, id, body }) => reopenEvent(deps, principal, id, body?.note));

  registerAttachmentRoutes(app, deps);
}
