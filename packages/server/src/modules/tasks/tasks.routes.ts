import {
  INSTANCE_ACTIONS,
  InstanceActionRequest,
  InstanceView,
  ListTasksQuery,
  SignalRequest,
  SignalResponse,
  TASK_ACTIONS,
  TaskActionRequest,
  TaskView,
} from '@liandong/contracts';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { actOnInstance, eventInstances, signalEvent } from './instances.service.ts';
import { actOnTask, getTask, listTasks } from './tasks.service.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const userGuard = authenticate();

const ACTION_SUMMARIES: Record<(typeof TASK_ACTIONS)[number], string> = {
  claim: 'Claim an open task (签收)',
  complete: 'Complete with an outcome, note and photos (the process moves on)',
  return: 'Return a mis-dispatched task (退回)',
  transfer: 'Transfer to another unit (转派): toUnitId',
  extend: 'Ask for (or, as an approver, grant) more time (延期): extraMinutes',
  shelve: 'Ask for (or grant) shelving: the clock stops (挂起)',
  resume: 'Resume a shelved task: the clock runs on',
  approve: 'Grant or refuse a pending extension or shelving: approved',
};

export function registerTaskRoutes(app: Api, deps: AppDeps): void {
  app.get(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Task inbox: the caller’s (or their units’) tasks, most pressing first',
        querystring: ListTasksQuery,
        response: { 200: z.object({ items: z.array(TaskView) }) },
      },
      preHandler: userGuard,
    },
    async (req) => listTasks(deps, principalOf(req), req.query),
  );

  app.get(
    '/tasks/:id',
    { schema: { tags: ['tasks'], summary: 'One task', params: IdParams, response: { 200: TaskView } }, preHandler: userGuard },
    async (req) => getTask(deps, principalOf(req), req.params.id),
  );

  for (const action of TASK_ACTIONS) {
    app.post(
      `/tasks/:id/${action}`,
      {
        schema: { tags: ['tasks'], summary: ACTION_SUMMARIES[action], params: IdParams, body: TaskActionRequest.optional(), response: { 200: TaskView } },
        preHandler: userGuard,
      },
      async (req) =>
        actOnTask(deps, {
          principal: principalOf(req),
          taskId: (req.params as { id: string }).id,
          action,
          body: (req.body as TaskActionRequest | undefined) ?? {},
        }),
    );
  }

  app.get(
    '/events/:id/process',
    {
      schema: {
        tags: ['tasks'],
        summary: 'The process instances of an event: where each stands, its timers',
        params: IdParams,
        response: { 200: z.object({ items: z.array(InstanceView) }) },
      },
      preHandler: authenticate({ apiKeyScopes: ['events:read'] }),
    },
    async (req) => eventInstances(deps, principalOf(req), req.params.id),
  );

  app.post(
    '/events/:id/signals',
    {
      schema: {
        tags: ['events'],
        summary: 'Tell a waiting process that something happened (e.g. vehicle.gone); delivered = how many waits it woke',
        description:
          'Who may send a signal is part of the process (`senders` of the wait for it): the reporter, members with a role of a unit ' +
          'of the event, API keys with a scope (parking: the reporting officer, the enforcement officers serving the place, keys with ' +
          '`signals:write`). Administrators may always send one; a signal the process names no sender for is theirs and the ' +
          'platform’s only. Anyone else gets 403 `SIGNAL_FORBIDDEN`; every attempt is in the audit log (`process.signal`, ' +
          '`process.signal_refused`). An API key needs no read scope here, but one bound to a unit reaches only the events within it ' +
          '(others: 404).',
        params: IdParams,
        body: SignalRequest,
        response: { 200: SignalResponse },
      },
      // Any key gets to the process's own rule (its scopes are judged there).
      preHandler: authenticate({ apiKeyScopes: [] }),
    },
    async (req) => signalEvent(deps, principalOf(req), req.params.id, req.body.name, req.body.data, { ip: req.ip ?? null }),
  );

  for (const action of INSTANCE_ACTIONS) {
    app.post(
      `/process-instances/:id/${action}`,
      {
        schema: {
          tags: ['processes'],
          summary: `Administrators: ${action} a process instance`,
          params: IdParams,
          body: InstanceActionRequest.optional(),
          response: { 200: InstanceView },
        },
        preHandler: authenticate({ roles: ['admin'] }),
      },
      async (req) =>
        actOnInstance(deps, principalOf(req), (req.params as { id: string }).id, action, (req.body as { version?: number; note?: string } | undefined) ?? {}),
    );
  }
}
