import { ACTION_PARAMS, isFinalStatus, type ActionName, type ActionNode } from '@liandong/contracts';
import { BUILTIN_ACTIONS } from '../definitions/action-registry.ts';
import type { NotificationRequest } from '../host.ts';
import type { ActionOutcome, ActionRegistration, EngineAction, EngineActions, SmsRecipientLookup } from './action-types.ts';
import { placeOfEvent } from './event-place.ts';
import { resolveAssigneeUnits, unitMembers } from './assignment.ts';
import { ActionError, type StepContext, type TokenState } from './step-context.ts';

export type { ActionOutcome, ActionRegistration, EngineAction, EngineActions, SmsRecipientLookup } from './action-types.ts';

type Params<N extends ActionName> = ReturnType<(typeof ACTION_PARAMS)[N]['parse']>;

const URGENCIES = ['normal', 'urgent', 'critical'];

/** A built-in action: its spec (contracts' parameters, what it uses and produces) and its handler. */
function builtin<N extends ActionName>(
  name: N,
  run: (ctx: StepContext, token: TokenState, node: ActionNode, params: Params<N>) => Promise<ActionOutcome>,
): EngineAction {
  return { ...BUILTIN_ACTIONS[name]!, run: (ctx, token, node, params) => run(ctx, token, node, params as Params<N>) };
}

/** The actions the engine itself implements. Others (the vehicle owner lookup) are registered by their modules. */
export const ENGINE_ACTIONS: Readonly<Record<string, EngineAction>> = {
  set_status: builtin('set_status', async (ctx, _token, node, { status }) => {
    ctx.patchEvent(isFinalStatus(status) ? { status, is_open: 0, closed_at: ctx.nowIso } : { status });
    ctx.log('status.changed', { nodeId: node.id, title: node.title, status });
    return 'done';
  }),
  set_field: builtin('set_field', async (ctx, _token, _node, { field, value }) => {
    if (field === 'event.urgency') {
      if (typeof value !== 'string' || !URGENCIES.includes(value)) throw new ActionError(`Urgency must be one of ${URGENCIES.join(', ')}`);
      ctx.patchEvent({ urgency: value });
    } else ctx.setVar(field.slice('vars.'.length), value);
    return 'done';
  }),
  close: builtin('close', async (ctx, _token, node, { kind }) => {
    ctx.closeEvent(kind);
    ctx.log('closed', { nodeId: node.id, closingKind: kind });
    return 'done';
  }),
  send_sms: builtin('send_sms', async (ctx, token, node, params) => {
    await sendSms(ctx, token, node, params);
    return 'done';
  }),
  notify_unit: builtin('notify_unit', async (ctx, _token, node, params) => {
    await notifyUnit(ctx, node, params);
    return 'done';
  }),
  // Never inside a transaction: the scheduler calls it right after the commit and moves the token on.
  call_webhook: builtin('call_webhook', async (ctx, token) => {
    ctx.addTimer('action', ctx.nowIso, { tokenId: token.row.id });
    return 'deferred';
  }),
};

/** The engine's SMS recipients (send_sms's `to`); 'owner' comes from the vehicles module. */
const ENGINE_SMS_RECIPIENTS: Readonly<Record<string, SmsRecipientLookup>> = {
  reporter: async (ctx) => {
    const e = ctx.current;
    let phone = e.reporter_phone;
    if (!phone && e.reporter_user_id) phone = (await ctx.host.people.user(ctx.trx, e.reporter_user_id))?.phone ?? null;
    return phone ? [{ phone, userId: e.reporter_user_id }] : [];
  },
  family: async () => {
    throw new ActionError('No family contact is on record for this event');
  },
};

/**
 * The engine's actions with the modules' registrations: a new action is one registration, read
 * by the validator (its spec), the runtime (its handler) and anyone listing actions. A name
 * registered twice is a programming error.
 */
export function createEngineActions(...registrations: ActionRegistration[]): EngineActions {
  const actions: Record<string, EngineAction> = { ...ENGINE_ACTIONS };
  const smsRecipients: Record<string, SmsRecipientLookup> = { ...ENGINE_SMS_RECIPIENTS };
  for (const r of registrations) {
    for (const [name, a] of Object.entries(r.actions ?? {})) {
      if (name in actions) throw new Error(`Action ${name} is registered twice`);
      actions[name] = a;
    }
    for (const [name, f] of Object.entries(r.smsRecipients ?? {})) {
      if (name in smsRecipients) throw new Error(`SMS recipient ${name} is registered twice`);
      smsRecipients[name] = f;
    }
  }
  return { actions, smsRecipients };
}

/**
 * Runs an automatic step inside the step's transaction, by the handler its name is registered
 * with. Throws ActionError for failures the process may route around (an unknown action too).
 */
export async function runAction(ctx: StepContext, token: TokenState, node: ActionNode): Promise<ActionOutcome> {
  const action = Object.prototype.hasOwnProperty.call(ctx.host.actions.actions, node.action) ? ctx.host.actions.actions[node.action] : undefined;
  if (!action) throw new ActionError(`Unknown action ${node.action}`);
  return action.run(ctx, token, node, paramsOf(action, node));
}

/** Published definitions never change: a node's parameters are checked once, the answer kept with the node. */
const checkedParams = new WeakMap<ActionNode, Record<string, unknown> | ActionError>();

function paramsOf(action: EngineAction, node: ActionNode): Record<string, unknown> {
  let p = checkedParams.get(node);
  if (p === undefined) {
    const parsed = action.params.safeParse(node.params ?? {});
    p = parsed.success ? parsed.data : new ActionError(`Invalid parameters for ${node.action}: ${parsed.error.issues[0]?.message ?? ''}`);
    checkedParams.set(node, p);
  }
  if (p instanceof ActionError) throw new ActionError(p.message);
  return p;
}

/** The variables every template may draw on. */
async function templateVars(ctx: StepContext, node: ActionNode): Promise<NotificationRequest['vars']> {
  const e = ctx.current;
  const next = ctx.nodes.get(node.next);
  const minutes = next?.kind === 'wait' && next.timer ? next.timer.duration.minutes : 0;
  return {
    code: e.code,
    title: e.title,
    category: (await ctx.categoryFacts()).name,
    place: placeOfEvent(ctx.territory, e),
    plate: e.plate ?? '',
    minutes,
    note: '',
    text: e.title,
    ...careVars(ctx.vars, (n) => ctx.host.maskName(n)),
  };
}

/**
 * care.alert's variables from what the process's starter put in its variables (the care rule:
 * `subjectName`, `place`, `silentHours`). The name is masked (an SMS is read on a lock screen);
 * without it the text says "the person under care", and without the hours it claims no figure.
 */
export function careVars(vars: Readonly<Record<string, unknown>>, maskName: (name: string) => string): NotificationRequest['vars'] {
  const name = typeof vars.subjectName === 'string' && vars.subjectName.trim() ? maskName(vars.subjectName.trim()) : null;
  const hours = typeof vars.silentHours === 'number' && Number.isFinite(vars.silentHours) && vars.silentHours > 0 ? Math.round(vars.silentHours) : null;
  return {
    name: name ?? { zh: '关爱对象', en: 'the person under care' },
    ...(typeof vars.place === 'string' && vars.place.trim() ? { place: vars.place.trim() } : {}),
    silence:
      hours !== null
        ? { zh: `已${hours}小时无活动`, en: `has shown no activity for ${hours} ${hours === 1 ? 'hour' : 'hours'}` }
        : { zh: '长时间无活动', en: 'has shown no activity for some time' },
    ...(hours !== null ? { hours } : {}),
  };
}

async function sendSms(
  ctx: StepContext,
  token: TokenState,
  node: ActionNode,
  p: { template: string; to: string; unit?: unknown; role?: string },
): Promise<void> {
  const phones: Array<{ phone: string; userId: string | null }> = [];
  if (p.to === 'unit') {
    const units = await resolveAssigneeUnits(ctx.trx, ctx.host, ctx.territory, ctx.current, p.unit as never);
    for (const u of units)
      for (const m of await unitMembers(ctx.trx, ctx.host, u.unitId, p.role)) if (m.phone) phones.push({ phone: m.phone, userId: m.userId });
  } else {
    const lookup = Object.prototype.hasOwnProperty.call(ctx.host.actions.smsRecipients, p.to) ? ctx.host.actions.smsRecipients[p.to] : undefined;
    if (!lookup) throw new ActionError(`No one can send an SMS to the ${p.to} here`);
    for (const m of await lookup(ctx)) if (m.phone) phones.push({ phone: m.phone, userId: m.userId });
  }
  if (!phones.length) throw new ActionError(`No phone number for the ${p.to}`);
  const vars = await templateVars(ctx, node);
  const requests: NotificationRequest[] = phones.map((r, i) => ({
    channel: 'sms',
    kind: p.template,
    phone: r.phone,
    recipientUserId: r.userId,
    eventId: ctx.event.id,
    vars,
    // Reminders to the public are time-critical by nature (a grace period is running).
    urgent: p.to === 'owner' || ctx.current.urgency !== 'normal',
    idempotencyKey: `proc:${ctx.instance.id}:${node.id}:${token.row.id}:${ctx.now.getTime()}:${i}`,
  }));
  for (const r of requests) ctx.notify(r);
  ctx.log('sms.queued', { nodeId: node.id, title: node.title, to: p.to, template: p.template, count: requests.length });
}

async function notifyUnit(ctx: StepContext, node: ActionNode, p: { unit: unknown; role?: string; template: string; sms?: boolean }): Promise<void> {
  const units = await resolveAssigneeUnits(ctx.trx, ctx.host, ctx.territory, ctx.current, p.unit as never);
  if (!units.length) throw new ActionError('The event has no such unit');
  const vars = await templateVars(ctx, node);
  let count = 0;
  for (const u of units) {
    for (const m of await unitMembers(ctx.trx, ctx.host, u.unitId, p.role)) {
      const key = `proc:${ctx.instance.id}:${node.id}:${ctx.now.getTime()}:${m.userId}`;
      const common = { kind: p.template, recipientUserId: m.userId, eventId: ctx.event.id, link: `/events/${ctx.event.id}`, vars, urgent: false };
      ctx.notify({ ...common, channel: 'in_app', idempotencyKey: `${key}:in_app` });
      if (p.sms && m.phone) ctx.notify({ ...common, channel: 'sms', phone: m.phone, idempotencyKey: `${key}:sms` });
      count++;
    }
  }
  ctx.log('unit.notified', { nodeId: node.id, title: node.title, units: units.map((u) => u.unitId), people: count, template: p.template });
}
