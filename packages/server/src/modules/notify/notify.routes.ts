import {
  InboxNotification,
  InboxPage,
  ListNotificationsQuery,
  ListSmsMessagesQuery,
  Page,
  PutSmsTemplateRequest,
  SmsAttempt,
  SmsMessage,
  SmsTemplate,
} from '@liandong/contracts';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { notifyMetrics } from './notify.metrics.ts';
import {
  listMyNotifications,
  listSmsAttempts,
  listSmsMessages,
  listSmsTemplates,
  markAllNotificationsRead,
  markNotificationRead,
  putSmsTemplate,
} from './notify.service.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });

/** The in-app inbox of every user; the SMS outbox and its templates for administrators. */
export function registerNotifyRoutes(app: Api, deps: AppDeps): void {
  // Registered with the app so /metrics shows the outbox before the first SMS.
  notifyMetrics(deps.metrics, deps.db);
  const adminOnly = authenticate({ roles: ['admin'] });
  const signedIn = authenticate();

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The caller’s in-app notifications, newest first, with the unread count',
        querystring: ListNotificationsQuery,
        response: { 200: InboxPage },
      },
      preHandler: signedIn,
    },
    async (req) => listMyNotifications(deps, principalOf(req), req.query),
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one notification read',
        params: IdParams,
        response: { 200: z.object({ notification: InboxNotification, unreadCount: z.number().int() }) },
      },
      preHandler: signedIn,
    },
    async (req) => markNotificationRead(deps, principalOf(req), req.params.id),
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark every notification of the caller read',
        response: { 200: z.object({ updated: z.number().int(), unreadCount: z.number().int() }) },
      },
      preHandler: signedIn,
    },
    async (req) => markAllNotificationsRead(deps, principalOf(req)),
  );

  app.get(
    '/sms-messages',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Every SMS with its status and provider message id (administrators)',
        description:
          'status: queued (also while being sent) | sent | delivered (receipt) | failed (rejected, undelivered, or dead after the last retry); `state` tells which.',
        querystring: ListSmsMessagesQuery,
        response: { 200: Page(SmsMessage) },
      },
      preHandler: adminOnly,
    },
    async (req) => listSmsMessages(deps, req.query),
  );

  app.get(
    '/sms-messages/:id/attempts',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The attempt log of one SMS (administrators)',
        params: IdParams,
        response: { 200: z.object({ message: SmsMessage, items: z.array(SmsAttempt) }) },
      },
      preHandler: adminOnly,
    },
    async (req) => listSmsAttempts(deps, req.params.id),
  );

  app.get(
    '/sms-templates',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Notification texts per kind and locale (administrators)',
        response: { 200: z.object({ items: z.array(SmsTemplate) }) },
      },
      preHandler: adminOnly,
    },
    async () => ({ items: await listSmsTemplates(deps) }),
  );

  app.put(
    '/sms-templates/:kind',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Change the text of a kind in one locale (administrators); only the kind’s {variables} are allowed',
        params: z.object({ kind: z.string().min(1).max(64) }),
        body: PutSmsTemplateRequest,
        response: { 200: SmsTemplate },
      },
      preHandler: adminOnly,
    },
    async (req) => putSmsTemplate(deps, principalOf(req), req.params.kind, req.body, { ip: req.ip ?? null }),
  );
}
