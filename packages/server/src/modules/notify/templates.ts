import type { Locale } from './notify.types.ts';
import { BUS_TOPICS, type Bus } from '../../lib/bus.ts';

/**
 * Notification texts per kind, in Chinese (the default) and English, with `{var}` placeholders.
 * Administrators may override a body per kind and locale (table sms_templates); the variables
 * a kind declares are the only ones its texts may use, so an edit can never ask for a value
 * the notifying code does not supply.
 */
export interface TemplateDefinition {
  /** What the kind is for, shown to administrators. */
  description: string;
  variables: readonly string[];
  /** Titles of in-app notifications (not editable: they are labels, not messages). */
  title: Record<Locale, string>;
  body: Record<Locale, string>;
}

export const DEFAULT_TEMPLATES: Readonly<Record<string, TemplateDefinition>> = {
  'event.assigned': {
    description: 'A new event for a unit to handle',
    variables: ['code', 'category', 'place'],
    title: { zh: '新事件待处置', en: 'New event to handle' },
    body: {
      zh: '【联动】新事件待处置：{code} {category}，地点：{place}。请及时处置。',
      en: '[Liandong] New event to handle: {code} {category} at {place}.',
    },
  },
  'event.urgent': {
    description: 'An urgent event: sent at once, even in quiet hours',
    variables: ['code', 'category', 'place'],
    title: { zh: '紧急事件', en: 'Urgent event' },
    body: {
      zh: '【联动】紧急事件：{code} {category}，地点：{place}。请立即处置！',
      en: '[Liandong] URGENT event {code} {category} at {place}. Handle it now.',
    },
  },
  'event.urged': {
    description: 'Urge (催办): a reminder to the current handler',
    variables: ['code', 'category', 'note'],
    title: { zh: '催办', en: 'Urged' },
    body: {
      zh: '【联动】催办：事件{code}（{category}）请尽快处置。{note}',
      en: '[Liandong] Reminder: please handle event {code} ({category}) soon. {note}',
    },
  },
  'event.supervised': {
    description: 'Supervise (督办): the event is followed by a leader or the duty room',
    variables: ['code', 'category', 'note'],
    title: { zh: '督办', en: 'Supervised' },
    body: {
      zh: '【联动】督办：事件{code}（{category}）已列入督办，请加快办理。{note}',
      en: '[Liandong] Supervised: event {code} ({category}) is now followed by the leadership. {note}',
    },
  },
  'event.closed': {
    description: 'The reporter hears that their event was handled and closed',
    variables: ['code', 'title'],
    title: { zh: '事件已办结', en: 'Event closed' },
    body: {
      zh: '【联动】您反映的事件{code}（{title}）已办结，欢迎评价。',
      en: '[Liandong] The event you reported, {code} ({title}), has been handled and closed. Please rate it.',
    },
  },
  'task.assigned': {
    description: 'A process step (task) for a unit or person to do',
    variables: ['code', 'category', 'task', 'unit'],
    title: { zh: '新待办', en: 'New task' },
    body: {
      zh: '【联动】新待办：{task}，事件{code}（{category}），承办单位：{unit}。',
      en: '[Liandong] New task: {task} for event {code} ({category}), unit: {unit}.',
    },
  },
  'task.warning': {
    description: "Yellow light: most of a task's time limit is used up",
    variables: ['code', 'category', 'task', 'due'],
    title: { zh: '即将超期', en: 'Due soon' },
    body: {
      zh: '【联动】预警：事件{code}（{category}）的"{task}"将于{due}到期，请抓紧办理。',
      en: '[Liandong] Due soon: "{task}" of event {code} ({category}) is due at {due}.',
    },
  },
  'task.overdue': {
    description: 'Red light: a task ran over its time limit (sent to the unit above when escalated)',
    variables: ['code', 'category', 'task', 'unit'],
    title: { zh: '已超期', en: 'Overdue' },
    body: {
      zh: '【联动】超期：事件{code}（{category}）的"{task}"已超过办理时限，承办单位：{unit}。',
      en: '[Liandong] Overdue: "{task}" of event {code} ({category}) has run over its limit; unit: {unit}.',
    },
  },
  'parking.reminder': {
    description: 'Remind-first parking (先提醒后处罚): the owner is asked to move the car',
    variables: ['plate', 'place', 'minutes'],
    title: { zh: '挪车提醒', en: 'Parking reminder' },
    body: {
      zh: '【联动】您的车辆{plate}在{place}违规停放，请于{minutes}分钟内驶离。',
      en: '[Liandong] Your vehicle {plate} is parked illegally at {place}. Please move it within {minutes} minutes.',
    },
  },
  'care.alert': {
    // {name}: the person's masked name (or "the person under care"); {silence}: how long nothing
    // was used, as a phrase ("已36小时无活动" / "长时间无活动" when the figure is unknown); {hours}:
    // the figure alone, supplied only when known (a text that needs it then yields to the default).
    description: 'A person under care has gone quiet',
    variables: ['name', 'place', 'silence', 'hours'],
    title: { zh: '关爱预警', en: 'Care alert' },
    body: {
      zh: '【联动】关爱预警：{name}（{place}）{silence}，请尽快上门查看。',
      en: '[Liandong] Care alert: {name} ({place}) {silence}. Please visit.',
    },
  },
  test: {
    description: 'A test message from an administrator',
    variables: ['text'],
    title: { zh: '测试消息', en: 'Test message' },
    body: { zh: '【联动】测试短信：{text}', en: '[Liandong] Test message: {text}' },
  },
};

export const LOCALES: readonly Locale[] = ['zh', 'en'];

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The variable names a body uses, in order of first use. */
export function templateVariables(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Variables a body uses that its kind does not declare (empty when the body is acceptable). */
export function unknownTemplateVariables(kind: string, body: string): string[] {
  const declared = new Set(DEFAULT_TEMPLATES[kind]?.variables ?? []);
  return templateVariables(body).filter((v) => !declared.has(v));
}

/** A variable's value: the same in every language, or one per language (a phrase, a stand-in for a missing name). */
export type TemplateValue = string | number | Readonly<Record<Locale, string>>;
export type TemplateVars = Readonly<Record<string, TemplateValue | undefined>>;

/** The value as the text of one language. */
function valueText(v: TemplateValue, locale: Locale): string {
  return typeof v === 'object' ? v[locale] : String(v);
}

/** Fills `{var}` placeholders. A variable without a value is an error in the notifying code. */
export function renderTemplate(body: string, vars: TemplateVars, locale: Locale = 'zh'): string {
  return body.replace(PLACEHOLDER, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined || v === null) throw new Error(`template variable {${name}} has no value`);
    return valueText(v, locale);
  });
}

/** Overrides keyed `${kind}:${locale}`. */
export type TemplateOverrides = ReadonlyMap<string, string>;

/** The body used for a kind and locale: the administrator's override, or the default. */
export function templateBody(overrides: TemplateOverrides, kind: string, locale: Locale): string | null {
  const def = DEFAULT_TEMPLATES[kind];
  if (!def) return null;
  return overrides.get(`${kind}:${locale}`) ?? def.body[locale];
}

/**
 * Overrides change only through PUT /sms-templates, so they are kept by this node's
 * TemplateCache (a member of the runtime) and dropped on every node by every edit
 * (invalidateTemplateCache publishes `{ cache: 'templates' }` on the bus). CACHE_TTL_MS bounds
 * how long a node that missed the message (its bus connection was down) keeps old texts.
 */
const CACHE_TTL_MS = 30_000;

export class TemplateCache {
  entry: { at: number; overrides: TemplateOverrides } | null = null;

  clear(): void {
    this.entry = null;
  }
}

/** Through the cache when one is given (the runtime's); read every time otherwise. */
export async function cachedTemplateOverrides(
  cache: TemplateCache | undefined,
  nowMs: number,
  load: () => Promise<TemplateOverrides>,
): Promise<TemplateOverrides> {
  const hit = cache?.entry;
  if (hit && nowMs - hit.at >= 0 && nowMs - hit.at < CACHE_TTL_MS) return hit.overrides;
  const overrides = await load();
  if (cache) cache.entry = { at: nowMs, overrides };
  return overrides;
}

/** After an edit of the templates committed: every node drops its cached overrides. */
export function invalidateTemplateCache(deps: { bus: Bus }): void {
  deps.bus.publish(BUS_TOPICS.cache, { cache: 'templates' });
}
