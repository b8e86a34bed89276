import { ACTION_PARAMS, type ActionNode, type ActionName } from '@liandong/contracts';
import type { NotificationRequest } from '../../modules/notify/notify.types.ts';
import { placeOfEvent } from './event-place.ts';
import { maskName } from '../../modules/vehicles/vehicles.policy.ts';
import { rawQuery } from '../../db/raw-sql.ts';
import { resolveAssigneeUnits, unitMembers } from './assignment.ts';
import { ActionError, FINAL_STATUSES, type StepContext, type TokenState } from './step-context.ts';

type Params<N extends ActionName> = ReturnType<(typeof ACTION_PARAMS)[N]['parse']>;

/** 'done': go on to `next`; 'deferred': the token waits for the scheduler to run it outside the step (webhooks). */
export type ActionOutcome = 'done' | 'deferred';

const URGENCIES = ['normal', 'urgent', 'critical'];

/**
 * Runs an automatic step inside the step's transaction. Side effects on the outside world only
 * ever go through the outbox (SMS, notifications) or a deferred timer (webhooks), so a rolled
 * back step leaves no trace. Throws ActionError for failures the process may route around.
 */
export async function runAction(ctx: StepContext, token: TokenState, node: ActionNode): Promise<ActionOutcome> {
  const params = paramsOf(node);
  switch (node.action as ActionName) {
    case 'set_status': {
      const { status } = params as Params<'set_status'>;
      ctx.patchEvent(FINAL_STATUSES.has(status) ? { status, is_open: 0, closed_at: ctx.nowIso } : { status });
      ctx.log('status.changed', { nodeId: node.id, title: node.title, status });
      return 'done';
    }
    case 'set_field': {
      const { field, value } = params as Params<'set_field'>;
      if (field === 'event.urgency') {
        if (typeof value !== 'string' || !URGENCIES.includes(value)) throw new ActionError(`Urgency must be one of ${URGENCIES.join(', ')}`);
        ctx.patchEvent({ urgency: value });
      } else ctx.setVar(field.slice('vars.'.length), value);
      return 'done';
    }
    case 'close': {
      const { kind } = params as Params<'close'>;
      ctx.closeEvent(kind);
      ctx.log('closed', { nodeId: node.id, closingKind: kind });
      return 'done';
    }
    case 'lookup_vehicle_owner': {
      const owner = await vehicleOwner(ctx);
      ctx.setVar('ownerFound', owner !== null);
      ctx.log('vehicle.looked_up', { nodeId: node.id, plate: ctx.current.plate, found: owner !== null });
      return 'done';
    }
    case 'send_sms':
      await sendSms(ctx, token, node, params as Params<'send_sms'>);
      return 'done';
    case 'notify_unit':
      await notifyUnit(ctx, node, params as Params<'notify_unit'>);
      return 'done';
    case 'call_webhook':
      // Never inside a transaction: the scheduler calls it right after the commit and moves the token on.
      ctx.addTimer('action', ctx.nowIso, { tokenId: token.row.id });
      return 'deferred';
  }
}

/** Published definitions never change: a node's parameters are checked once, the answer kept with the node. */
const checkedParams = new WeakMap<ActionNode, Record<string, unknown> | ActionError>();

function paramsOf(node: ActionNode): Record<string, unknown> {
  let p = checkedParams.get(node);
  if (p === undefined) {
    const schema = ACTION_PARAMS[node.action as ActionName];
    if (!schema) p = new ActionError(`Unknown action ${node.action}`);
    else {
      const parsed = schema.safeParse(node.params);
      p = parsed.success ? (parsed.data as Record<string, unknown>) : new ActionError(`Invalid parameters for ${node.action}: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    checkedParams.set(node, p);
  }
  if (p instanceof ActionError) throw new ActionError(p.message);
  return p;
}

async function vehicleOwner(ctx: StepContext): Promise<{ name: string; phone: string | null } | null> {
  if (ctx.scratch.has('owner')) return ctx.scratch.get('owner') as { name: string; phone: string | null } | null;
  const plate = ctx.current.plate;
  const [row] = plate ? await rawQuery<{ owner_name: string; owner_phone: string | null }>(ctx.trx, 'select "owner_name", "owner_phone" from "vehicles" where "plate" = ?', [plate]) : [];
  const owner = row ? { name: row.owner_name, phone: row.owner_phone } : null;
  ctx.scratch.set('owner', owner);
  return owner;
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
    place: placeOfEvent(ctx.deps.territory, e),
    plate: e.plate ?? '',
    minutes,
    note: '',
    text: e.title,
    ...careVars(ctx.vars),
  };
}

/**
 * care.alert's variables from what the process's starter put in its variables (the care rule:
 * `subjectName`, `place`, `silentHours`). The name is masked (an SMS is read on a lock screen);
 * without it the text says "the person under care", and without the hours it claims no figure.
 */
export function careVars(vars: Readonly<Record<string, unknown>>): NotificationRequest['vars'] {
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

async function sendSms(ctx: StepContext, token: TokenState, node: ActionNode, p: { template: string; to: string; unit?: unknown; role?: string }): Promise<void> {
  const phones: Array<{ phone: string; userId: string | null }> = [];
  switch (p.to) {
    case 'owner': {
      const owner = await vehicleOwner(ctx);
      if (owner?.phone) phones.push({ phone: owner.phone, userId: null });
      break;
    }
    case 'reporter': {
      const e = ctx.current;
      let phone = e.reporter_phone;
      if (!phone && e.reporter_user_id) phone = (await ctx.trx.selectFrom('users').select('phone').where('id', '=', e.reporter_user_id).executeTakeFirst())?.phone ?? null;
      if (phone) phones.push({ phone, userId: e.reporter_user_id });
      break;
    }
    case 'family':
      throw new ActionError('No family contact is on record for this event');
    case 'unit': {
      const units = await resolveAssigneeUnits(ctx.trx, ctx.deps.territory, ctx.current, p.unit as never);
      for (const u of units) for (const m of await unitMembers(ctx.trx, u.unitId, p.role, ctx.deps)) if (m.phone) phones.push({ phone: m.phone, userId: m.userId });
      break;
    }
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
  const units = await resolveAssigneeUnits(ctx.trx, ctx.deps.territory, ctx.current, p.unit as never);
  if (!units.length) throw new ActionError('The event has no such unit');
  const vars = await templateVars(ctx, node);
  let count = 0;
  for (const u of units) {
    for (const m of await unitMembers(ctx.trx, u.unitId, p.role, ctx.deps)) {
      const key = `proc:${ctx.instance.id}:${node.id}:${ctx.now.getTime()}:${m.userId}`;
      const common = { kind: p.template, recipientUserId: m.userId, eventId: ctx.event.id, link: `/events/${ctx.event.id}`, vars, urgent: false };
      ctx.notify({ ...common, channel: 'in_app', idempotencyKey: `${key}:in_app` });
      if (p.sms && m.phone) ctx.notify({ ...common, channel: 'sms', phone: m.phone, idempotencyKey: `${key}:sms` });
      count++;
    }
  }
  ctx.log('unit.notified', { nodeId: node.id, title: node.title, units: units.map((u) => u.unitId), people: count, template: p.template });
}
