import type { Kysely, Transaction } from 'kysely';
import { ConfigSchema, type Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { toDbBool } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Ids } from '../../lib/ids.ts';
import { maskPhone, normalisePhone } from '../users/phone.ts';
import type { Locale, NotificationChannel, NotificationRequest } from './notify.types.ts';
import { findScheduledTimes, findTemplateOverrideRows, insertNotificationsIfNew, type NotificationRow } from './notify.repository.ts';
import { parseQuietHours, scheduleSms, type SchedulePolicy } from './schedule.policy.ts';
import { cachedTemplateOverrides, DEFAULT_TEMPLATES, type TemplateCache, renderTemplate, templateBody, templateVariables } from './templates.ts';

export interface EnqueueDeps {
  ids: Ids;
  clock: Clock;
  /** Quiet hours and rate limit; the defaults (22:00–07:00 UTC+8, 5/h) when absent. Pass AppDeps. */
  config?: Pick<Config, 'notify'>;
  /** The node's caches (pass AppDeps): template overrides are read through them when given. */
  caches?: { templates: TemplateCache };
}

export interface EnqueueOptions {
  /**
   * Skip requests with a bad or missing phone number and report them, instead of rejecting the
   * whole batch. For notifying staff from their user records, where one bad record must not
   * silence everyone else.
   */
  skipInvalid?: boolean;
}

export interface EnqueuedNotification {
  id: string;
  channel: NotificationChannel;
  kind: string;
  recipientUserId: string | null;
  eventId: string | null;
  link: string | null;
  title: string | null;
  body: string;
  urgent: boolean;
  status: 'queued' | 'delivered';
  /** SMS: when the first attempt is due (later than now in quiet hours or over the rate limit). */
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface SkippedNotification {
  index: number;
  idempotencyKey: string;
  field: 'phone';
  reason: string;
}

export interface EnqueueResult {
  /** New rows, in request order. Push in-app ones live only after the transaction commits. */
  created: EnqueuedNotification[];
  /** Idempotency keys already in the outbox: nothing written for them. */
  duplicates: string[];
  skipped: SkippedNotification[];
}

const HOUR = 3_600_000;

/** A template's variables, parsed once per body text (bodies are few; requests are many). */
const variableCache = new Map<string, string[]>();
function variablesOf(template: string): string[] {
  let v = variableCache.get(template);
  if (!v) {
    if (variableCache.size > 1000) variableCache.clear();
    variableCache.set(template, (v = templateVariables(template)));
  }
  return v;
}
const defaultNotifyConfig = ConfigSchema.shape.notify.parse({});

export function schedulePolicyOf(config: Pick<Config, 'notify'> | undefined): SchedulePolicy {
  const n = config?.notify ?? defaultNotifyConfig;
  return { quiet: parseQuietHours(n.quietHours), utcOffsetMinutes: n.utcOffsetMinutes, ratePerHour: n.ratePerHour };
}

/**
 * Writes notifications into the outbox inside the caller's transaction, so that they exist if
 * and only if the change that caused them commits. Texts are rendered now (the template in
 * force when the thing happened); SMS numbers are validated and normalised; a repeated
 * idempotency key writes nothing. SMS rows are queued for the dispatcher, due now or — for
 * non-urgent ones — after quiet hours and within the recipient's hourly limit. In-app rows are
 * delivered on commit.
 *
 * Throws AppError VALIDATION_FAILED naming the request and field for a bad number (unless
 * `skipInvalid`), an unknown kind, or missing template variables.
 */
export async function enqueueNotifications(
  trx: Kysely<Database> | Transaction<Database>,
  deps: EnqueueDeps,
  items: readonly NotificationRequest[],
  opts: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const result: EnqueueResult = { created: [], duplicates: [], skipped: [] };
  if (!items.length) return result;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const overrides = await cachedTemplateOverrides(deps.caches?.templates, now.getTime(), async () => {
    const rows = await findTemplateOverrideRows(trx);
    return new Map(rows.map((r) => [`${r.kind}:${r.locale}`, r.body]));
  });

  // Everything is checked before anything is written: a rejected batch leaves no trace.
  const prepared: Array<{ item: NotificationRequest; phone: string | null; locale: Locale; title: string; body: string }> = [];
  for (const [index, item] of items.entries()) {
    const def = DEFAULT_TEMPLATES[item.kind];
    const what = `Notification ${index + 1} (${item.kind})`;
    if (!def) throw new AppError('VALIDATION_FAILED', `${what}: unknown notification kind`, { index, field: 'kind', known: Object.keys(DEFAULT_TEMPLATES) });
    if (!item.idempotencyKey) throw new AppError('VALIDATION_FAILED', `${what}: an idempotency key is required`, { index, field: 'idempotencyKey' });
    const locale: Locale = item.locale === 'en' ? 'en' : 'zh';
    let template = templateBody(overrides, item.kind, locale)!;
    let missing = variablesOf(template).filter((v) => item.vars[v] === undefined || item.vars[v] === null);
    // An administrator's text that needs a value this notification lacks (a kind's optional
    // figure, such as care.alert's {hours}) yields to the default text, which never does.
    if (missing.length && template !== def.body[locale]) {
      template = def.body[locale];
      missing = variablesOf(template).filter((v) => item.vars[v] === undefined || item.vars[v] === null);
    }
    if (missing.length)
      throw new AppError('VALIDATION_FAILED', `${what}: template variables without a value: ${missing.join(', ')}`, { index, field: 'vars', missing });
    let phone: string | null = null;
    if (item.channel === 'sms') {
      phone = item.phone ? normalisePhone(item.phone) : null;
      if (!phone) {
        const reason = item.phone
          ? `phone ${maskPhone(item.phone.replace(/[\s-]/g, ''))} is not a mainland mobile number (11 digits starting 13–19; +86 accepted)`
          : 'phone is missing: an SMS needs a mainland mobile number';
        if (opts.skipInvalid) {
          result.skipped.push({ index, idempotencyKey: item.idempotencyKey, field: 'phone', reason });
          continue;
        }
        throw new AppError('VALIDATION_FAILED', `${what}: ${reason}`, { index, field: 'phone', kind: item.kind });
      }
    } else if (item.channel === 'in_app') {
      if (!item.recipientUserId)
        throw new AppError('VALIDATION_FAILED', `${what}: an in-app notification needs recipientUserId`, { index, field: 'recipientUserId' });
    } else {
      throw new AppError('VALIDATION_FAILED', `${what}: unknown channel`, { index, field: 'channel' });
    }
    prepared.push({ item, phone, locale, title: def.title[locale], body: renderTemplate(template, item.vars, locale) });
  }

  const policy = schedulePolicyOf(deps.config);
  const rows: NotificationRow[] = [];
  const seen = new Set<string>();
  for (const { item, phone, locale, title, body } of prepared) {
    // The same key twice in one batch is one notification, as across batches.
    if (seen.has(item.idempotencyKey)) {
      result.duplicates.push(item.idempotencyKey);
      continue;
    }
    seen.add(item.idempotencyKey);
    let due: string | null = null;
    if (phone) {
      const taken = item.urgent ? [] : (await findScheduledTimes(trx, phone, new Date(now.getTime() - HOUR).toISOString())).map((t) => Date.parse(t));
      due = new Date(scheduleSms(now.getTime(), item.urgent, taken, policy)).toISOString();
    }
    rows.push({
      id: deps.ids.id(),
      channel: item.channel,
      kind: item.kind,
      recipient_user_id: item.recipientUserId ?? null,
      recipient_phone: phone,
      event_id: item.eventId ?? null,
      link: item.link ?? null,
      title,
      body,
      locale,
      urgent: toDbBool(item.urgent),
      idempotency_key: item.idempotencyKey,
      status: phone ? 'queued' : 'delivered',
      attempts: 0,
      next_attempt_at: due,
      scheduled_at: due,
      claimed_until: null,
      claimed_by: null,
      last_error: null,
      provider: null,
      provider_message_id: null,
      parts: null,
      read_at: null,
      created_at: nowIso,
      updated_at: nowIso,
      sent_at: null,
      delivered_at: phone ? null : nowIso,
    });
  }
  // One statement for the whole batch: event creation notifies several people per event.
  const inserted = await insertNotificationsIfNew(trx, rows);
  for (const row of rows) {
    if (!inserted.has(row.idempotency_key)) {
      result.duplicates.push(row.idempotency_key);
      continue;
    }
    result.created.push({
      id: row.id,
      channel: row.channel as NotificationChannel,
      kind: row.kind,
      recipientUserId: row.recipient_user_id,
      eventId: row.event_id,
      link: row.link,
      title: row.title ?? '',
      body: row.body,
      urgent: row.urgent === 1,
      status: row.status as EnqueuedNotification['status'],
      nextAttemptAt: row.next_attempt_at,
      createdAt: nowIso,
    });
  }
  return result;
}
