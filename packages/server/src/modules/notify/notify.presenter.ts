import type { InboxNotification, SmsAttempt, SmsMessage, SmsStatus } from '@liandong/contracts';
import { fromDbBool } from '../../db/database.ts';
import type { AttemptRow, NotificationRow } from './notify.repository.ts';

/** Internal states behind each public SMS status (api.md knows four). */
export const SMS_STATES: Record<SmsStatus, string[]> = {
  queued: ['queued', 'sending'],
  sent: ['sent'],
  delivered: ['delivered'],
  failed: ['failed', 'dead'],
};

export function publicSmsStatus(state: string): SmsStatus {
  for (const [status, states] of Object.entries(SMS_STATES)) if (states.includes(state)) return status as SmsStatus;
  return 'queued';
}

/** For administrators only: the full number is shown (they configure and audit the channel). */
export function presentSms(r: NotificationRow): SmsMessage {
  return {
    id: r.id,
    to: r.recipient_phone ?? '',
    text: r.body,
    kind: r.kind,
    status: publicSmsStatus(r.status),
    state: r.status,
    urgent: fromDbBool(r.urgent),
    eventId: r.event_id,
    provider: r.provider,
    providerMessageId: r.provider_message_id,
    parts: r.parts,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.status === 'queued' ? r.next_attempt_at : null,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
  };
}

export function presentAttempt(r: AttemptRow): SmsAttempt {
  return {
    attempt: r.attempt,
    provider: r.provider,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    providerMessageId: r.provider_message_id,
    error: r.error,
  };
}

export function presentInbox(r: NotificationRow): InboxNotification {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    link: r.link,
    eventId: r.event_id,
    urgent: fromDbBool(r.urgent),
    read: r.read_at !== null,
    readAt: r.read_at,
    createdAt: r.created_at,
  };
}
