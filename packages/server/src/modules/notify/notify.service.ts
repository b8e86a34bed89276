import type { InboxNotification, SmsAttempt, SmsMessage, SmsStatus, SmsTemplate } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { writeAudit } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import { decodeCursor, encodeCursor } from '../events/cursor.ts';
import { normalisePhone } from '../users/phone.ts';
import type { Locale } from './notify.types.ts';
import { presentAttempt, presentInbox, presentSms, SMS_STATES } from './notify.presenter.ts';
import {
  countUnread,
  findAttemptRows,
  findInboxRow,
  findInboxRows,
  findSmsRow,
  findSmsRows,
  findTemplateOverrideRows,
  markRead,
  upsertTemplateOverride,
} from './notify.repository.ts';
import { DEFAULT_TEMPLATES, invalidateTemplateCache, LOCALES, templateVariables, unknownTemplateVariables } from './templates.ts';

type Deps = Pick<AppDeps, 'db' | 'secret' | 'clock' | 'config' | 'bus'>;

const page = <T extends { id: string }, U>(rows: T[], limit: number, secret: string, present: (r: T) => U) => ({
  items: rows.slice(0, limit).map(present),
  nextCursor: rows.length > limit ? encodeCursor(secret, rows[limit - 1]!.id) : null,
});

/** Every SMS, newest first (administrators; the route checks the role). */
export async function listSmsMessages(
  deps: Deps,
  q: { to?: string; eventId?: string; status?: SmsStatus; cursor?: string; limit: number },
): Promise<{ items: SmsMessage[]; nextCursor: string | null }> {
  let to: string | undefined;
  if (q.to) {
    const n = normalisePhone(q.to);
    if (!n) throw new AppError('VALIDATION_FAILED', 'to: not a mainland mobile number (11 digits starting 13–19; +86 accepted)', { field: 'to' });
    to = n;
  }
  const rows = await findSmsRows(deps.db, {
    to,
    eventId: q.eventId,
    statuses: q.status ? SMS_STATES[q.status] : undefined,
    afterId: q.cursor ? decodeCursor(deps.secret, q.cursor) : undefined,
    limit: q.limit,
  });
  return page(rows, q.limit, deps.secret, presentSms);
}

/** The attempt log of one SMS: what was tried when, and what came of it. */
export async function listSmsAttempts(deps: Deps, id: string): Promise<{ message: SmsMessage; items: SmsAttempt[] }> {
  const row = await findSmsRow(deps.db, id);
  if (!row) throw new AppError('NOTIFICATION_NOT_FOUND', `SMS ${id} not found`);
  return { message: presentSms(row), items: (await findAttemptRows(deps.db, id)).map(presentAttempt) };
}

function userIdOf(principal: Principal): string {
  if (!principal.userId) throw new AppError('FORBIDDEN', 'Only signed-in users have an inbox');
  return principal.userId;
}

export async function listMyNotifications(
  deps: Deps,
  principal: Principal,
  q: { unread?: boolean; cursor?: string; limit: number },
): Promise<{ items: InboxNotification[]; unreadCount: number; nextCursor: string | null }> {
  const userId = userIdOf(principal);
  const rows = await findInboxRows(deps.db, userId, {
    unreadOnly: !!q.unread,
    afterId: q.cursor ? decodeCursor(deps.secret, q.cursor) : undefined,
    limit: q.limit,
  });
  return { ...page(rows, q.limit, deps.secret, presentInbox), unreadCount: await countUnread(deps.db, userId) };
}

/** Marks one of the caller's notifications read (again: no change). Others' are NOTIFICATION_NOT_FOUND. */
export async function markNotificationRead(deps: Deps, principal: Principal, id: string): Promise<{ notification: InboxNotification; unreadCount: number }> {
  const userId = userIdOf(principal);
  await markRead(deps.db, userId, [id], deps.clock.now().toISOString());
  const row = await findInboxRow(deps.db, userId, id);
  if (!row) throw new AppError('NOTIFICATION_NOT_FOUND', `Notification ${id} not found`);
  return { notification: presentInbox(row), unreadCount: await countUnread(deps.db, userId) };
}

export async function markAllNotificationsRead(deps: Deps, principal: Principal): Promise<{ updated: number; unreadCount: number }> {
  const userId = userIdOf(principal);
  const updated = await markRead(deps.db, userId, 'all', deps.clock.now().toISOString());
  return { updated, unreadCount: await countUnread(deps.db, userId) };
}

export async function listSmsTemplates(deps: Deps): Promise<SmsTemplate[]> {
  const overrides = new Map((await findTemplateOverrideRows(deps.db)).map((r) => [`${r.kind}:${r.locale}`, r]));
  return Object.entries(DEFAULT_TEMPLATES).flatMap(([kind, def]) =>
    LOCALES.map((locale) => {
      const o = overrides.get(`${kind}:${locale}`);
      return {
        kind,
        locale,
        description: def.description,
        body: o?.body ?? def.body[locale],
        defaultBody: def.body[locale],
        variables: [...def.variables],
        overridden: !!o,
        updatedAt: o?.updated_at ?? null,
        updatedBy: o?.updated_by ?? null,
      };
    }),
  );
}

/**
 * An administrator's text for a kind and locale. Only the kind's declared variables may appear,
 * so every later notification can be rendered; the change is audited and takes effect at once
 * on this node.
 */
export async function putSmsTemplate(
  deps: Deps,
  principal: Principal,
  kind: string,
  input: { locale: Locale; body: string },
  meta: { ip?: string | null } = {},
): Promise<SmsTemplate> {
  const def = DEFAULT_TEMPLATES[kind];
  if (!def) throw new AppError('TEMPLATE_INVALID', `Unknown notification kind: ${kind}`, { kind, knownKinds: Object.keys(DEFAULT_TEMPLATES) });
  const unknown = unknownTemplateVariables(kind, input.body);
  if (unknown.length) {
    throw new AppError(
      'TEMPLATE_INVALID',
      `Unknown variables for ${kind}: ${unknown.map((v) => `{${v}}`).join(', ')}; allowed: ${def.variables.map((v) => `{${v}}`).join(', ')}`,
      {
        unknownVariables: unknown,
        allowedVariables: def.variables,
      },
    );
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await upsertTemplateOverride(trx, { kind, locale: input.locale, body: input.body, updated_at: now, updated_by: principal.userId });
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'sms_template.update',
      targetType: 'sms_template',
      targetId: `${kind}:${input.locale}`,
      ip: meta.ip ?? null,
      details: { kind, locale: input.locale, variables: templateVariables(input.body) },
    });
  });
  invalidateTemplateCache(deps);
  return (await listSmsTemplates(deps)).find((t) => t.kind === kind && t.locale === input.locale)!;
}
