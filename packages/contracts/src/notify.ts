import { z } from 'zod';

/** Public SMS status (api.md): 'sending' shows as queued, dead-lettered as failed. */
export const SmsStatus = z.enum(['queued', 'sent', 'delivered', 'failed']);
export type SmsStatus = z.infer<typeof SmsStatus>;

/** One SMS of the outbox, as an administrator sees it (full number: admins only). */
export const SmsMessage = z.object({
  id: z.string(),
  to: z.string(),
  text: z.string(),
  kind: z.string(),
  status: SmsStatus,
  /** Where it is exactly: queued | sending | sent | delivered | failed | dead. */
  state: z.string(),
  urgent: z.boolean(),
  eventId: z.string().nullable(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  parts: z.number().int().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});
export type SmsMessage = z.infer<typeof SmsMessage>;

export const SmsAttempt = z.object({
  attempt: z.number().int(),
  provider: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** null while in flight; ok | transient | permanent | ambiguous */
  outcome: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  error: z.string().nullable(),
});
export type SmsAttempt = z.infer<typeof SmsAttempt>;

export const ListSmsMessagesQuery = z.object({
  to: z.string().max(20).optional(),
  eventId: z.string().max(64).optional(),
  status: SmsStatus.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** An in-app notification of the signed-in user. */
export const InboxNotification = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string().nullable(),
  body: z.string(),
  link: z.string().nullable(),
  eventId: z.string().nullable(),
  urgent: z.boolean(),
  read: z.boolean(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type InboxNotification = z.infer<typeof InboxNotification>;

const flag = z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const ListNotificationsQuery = z.object({
  /** Only the caller's own notifications exist for the caller; accepted for api.md compatibility. */
  mine: flag.optional(),
  unread: flag.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const InboxPage = z.object({ items: z.array(InboxNotification), unreadCount: z.number().int(), nextCursor: z.string().nullable() });

export const SmsTemplate = z.object({
  kind: z.string(),
  locale: z.enum(['zh', 'en']),
  description: z.string(),
  body: z.string(),
  defaultBody: z.string(),
  variables: z.array(z.string()),
  overridden: z.boolean(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type SmsTemplate = z.infer<typeof SmsTemplate>;

export const PutSmsTemplateRequest = z.object({
  locale: z.enum(['zh', 'en']),
  body: z.string().trim().min(1).max(500),
});
