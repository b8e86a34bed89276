import type { ProcessDefinition, ProcessNode } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import { insertRows } from '../../db/fast-insert.ts';
import type {
  Database,
  EventTimelineTable,
  EventsTable,
  ProcessInstancesTable,
  ProcessTimersTable,
  ProcessTokensTable,
  TasksTable,
  TimerKind,
} from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import type { EventActor } from '../../modules/events/event-actor.ts';
import { actorUserId, isSystemActor } from '../../modules/events/event-actor.ts';
import { enqueueNotifications } from '../../modules/notify/outbox.ts';
import type { NotificationRequest } from '../../modules/notify/notify.types.ts';
import { pushNotifications } from '../../modules/stream/stream.publish.ts';
import type { Calendar } from '../time/calendar.ts';

export type EngineDeps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'territory' | 'logger' | 'dialect'> & Partial<Pick<AppDeps, 'config' | 'writes'>>;

/** The engine's name on the timeline. */
export const ENGINE_ACTOR = { kind: 'system', name: '流程引擎 Process engine' } as const satisfies EventActor;

/** An automatic step that failed for a reason the process may route around (its `onError`). */
export class ActionError extends Error {}

/** Statuses after which an event needs no more work. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['closed', 'rejected', 'void']);

export interface TokenState {
  row: ProcessTokensTable;
  isNew: boolean;
  dirty: boolean;
  deleted: boolean;
}

export interface CategoryFacts {
  name: string;
  timeLimitMinutes: number | null;
  timeLimitKind: string;
  requiresConfirmation: boolean;
}

/**
 * Everything one step of one instance changes, gathered in memory and written at the end in a
 * few multi-row statements, inside the caller's transaction: the instance, its tokens, tasks,
 * timers, the event, its timeline and the outbox commit together or not at all.
 */
export class StepContext {
  readonly now: Date;
  readonly nowIso: string;
  readonly nodes: Map<string, ProcessNode>;
  readonly tokens = new Map<string, TokenState>();
  readonly newTasks: TasksTable[] = [];
  readonly newTimers: ProcessTimersTable[] = [];
  readonly timeline: Array<Omit<EventTimelineTable, 'seq' | 'id'>> = [];
  readonly notifications: NotificationRequest[] = [];
  readonly eventPatch: Partial<EventsTable> = {};
  readonly afterCommit: Array<() => void> = [];
  /** Personal data an action found for a later action of the same step (never stored in vars). */
  readonly scratch = new Map<string, unknown>();
  vars: Record<string, unknown>;
  instanceDirty = false;
  /** Set when a process takes up an event where it already stands: its status is left as it is. */
  keepEventStatus = false;
  /** Not written yet (a start): flush inserts it instead of updating it. */
  instanceIsNew = false;
  private category: CategoryFacts | undefined;

  constructor(
    readonly trx: Transaction<Database>,
    readonly deps: EngineDeps,
    readonly instance: ProcessInstancesTable,
    readonly def: ProcessDefinition,
    readonly event: EventsTable,
    readonly cal: Calendar,
    readonly actor: EventActor,
  ) {
    this.now = deps.clock.now();
    this.nowIso = this.now.toISOString();
    this.nodes = nodeMapOf(def);
    this.vars = JSON.parse(instance.vars) as Record<string, unknown>;
  }

  node(id: string): ProcessNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`Process ${this.def.key}@${this.def.version} has no node ${id}`);
    return n;
  }

  /** The event as the step has changed it so far. */
  get current(): EventsTable {
    return { ...this.event, ...this.eventPatch };
  }

  patchEvent(set: Partial<EventsTable>): void {
    Object.assign(this.eventPatch, set);
  }

  /** Closes the event (once) and tells its reporter, who may then rate the handling. */
  closeEvent(kind: string): void {
    if (FINAL_STATUSES.has(this.current.status)) return;
    this.patchEvent({ status: 'closed', closing_kind: kind, is_open: 0, closed_at: this.nowIso });
    const reporter = this.event.reporter_user_id;
    if (reporter && kind !== 'self_corrected' && this.def.key !== 'self-handled') {
      this.notify({
        channel: 'in_app',
        kind: 'event.closed',
        recipientUserId: reporter,
        eventId: this.event.id,
        link: `/events/${this.event.id}`,
        vars: { code: this.event.code, title: this.event.title },
        urgent: false,
        idempotencyKey: `event:${this.event.id}:closed:${this.nowIso}`,
      });
    }
  }

  setVar(name: string, value: unknown): void {
    this.vars[name] = value;
    this.instanceDirty = true;
  }

  newToken(nodeId: string, forkId: string | null): TokenState {
    const t: TokenState = {
      row: { id: this.deps.ids.id(), instance_id: this.instance.id, node_id: nodeId, state: 'active', fork_id: forkId, signal: null, created_at: this.nowIso },
      isNew: true,
      dirty: false,
      deleted: false,
    };
    this.tokens.set(t.row.id, t);
    return t;
  }

  addTimer(kind: TimerKind, dueAt: string, ref: { tokenId?: string; taskId?: string }): void {
    this.newTimers.push({
      id: this.deps.ids.id(),
      instance_id: this.instance.id,
      kind,
      token_id: ref.tokenId ?? null,
      task_id: ref.taskId ?? null,
      due_at: dueAt,
      created_at: this.nowIso,
    });
  }

  log(kind: string, data: Record<string, unknown>, opts: { actor?: EventActor | null; orgUnitId?: string | null } = {}): void {
    const actor = opts.actor === undefined ? this.actor : opts.actor;
    this.timeline.push({
      event_id: this.event.id,
      at: this.nowIso,
      kind,
      actor_user_id: actor ? actorUserId(actor) : null,
      actor_name: actor ? actor.name : null,
      org_unit_id: opts.orgUnitId ?? (actor && isSystemActor(actor) ? (actor.orgUnitId ?? null) : (actor?.memberships[0]?.orgUnitId ?? null)),
      data: JSON.stringify(data),
    });
  }

  notify(request: NotificationRequest): void {
    this.notifications.push(request);
  }

  async categoryFacts(): Promise<CategoryFacts> {
    if (!this.category) {
      const row = await this.trx
        .selectFrom('categories')
        .select(['name_zh', 'time_limit_minutes', 'time_limit_kind', 'requires_confirmation'])
        .where('code', '=', this.event.category_code)
        .executeTakeFirst();
      this.category = {
        name: row?.name_zh ?? this.event.category_code,
        timeLimitMinutes: row?.time_limit_minutes ?? null,
        timeLimitKind: row?.time_limit_kind ?? 'working',
        requiresConfirmation: row?.requires_confirmation === 1,
      };
    }
    return this.category;
  }

  /** Writes everything the step changed. */
  async flush(): Promise<void> {
    const { trx } = this;
    if (this.instanceIsNew) {
      // First, as its tokens, tasks and timers refer to it.
      await insertRows(trx, 'process_instances', [{ ...this.instance, vars: JSON.stringify(this.vars), updated_at: this.nowIso }]);
      this.instanceIsNew = false;
      this.instanceDirty = false;
    }
    const inserts: ProcessTokensTable[] = [];
    const deletes: string[] = [];
    for (const t of this.tokens.values()) {
      if (t.deleted) {
        if (!t.isNew) deletes.push(t.row.id);
      } else if (t.isNew) inserts.push(t.row);
      else if (t.dirty) {
        await trx.updateTable('process_tokens').set({ node_id: t.row.node_id, state: t.row.state, fork_id: t.row.fork_id, signal: t.row.signal }).where('id', '=', t.row.id).execute();
      }
    }
    if (deletes.length) {
      await trx.deleteFrom('process_timers').where('token_id', 'in', deletes).execute();
      await trx.deleteFrom('process_tokens').where('id', 'in', deletes).execute();
    }
    await insertRows(trx, 'process_tokens', inserts);
    await insertRows(trx, 'tasks', this.newTasks);
    await insertRows(trx, 'process_timers', this.newTimers);
    if (this.instanceDirty) {
      await trx
        .updateTable('process_instances')
        .set({
          vars: JSON.stringify(this.vars),
          status: this.instance.status,
          error: this.instance.error,
          version: this.instance.version,
          updated_at: this.nowIso,
          ended_at: this.instance.ended_at,
        })
        .where('id', '=', this.instance.id)
        .execute();
    }
    if (this.timeline.length || Object.keys(this.eventPatch).length) {
      await trx
        .updateTable('events')
        .set((eb) => ({ ...this.eventPatch, updated_at: this.nowIso, version: eb('version', '+', 1) }))
        .where('id', '=', this.event.id)
        .execute();
    }
    if (this.timeline.length) {
      const last = await trx.selectFrom('event_timeline').select((eb) => eb.fn.max('seq').as('seq')).where('event_id', '=', this.event.id).executeTakeFirst();
      let seq = Number(last?.seq ?? 0);
      await insertRows(
        trx,
        'event_timeline',
        this.timeline.map((e) => ({ id: this.deps.ids.id(), seq: ++seq, ...e })),
      );
    }
    if (this.notifications.length) {
      const result = await enqueueNotifications(trx, this.deps, this.notifications, { skipInvalid: true });
      const inApp = result.created.filter((n) => n.channel === 'in_app');
      if (inApp.length) this.afterCommit.push(() => void pushNotifications(this.deps, inApp));
    }
  }
}

const nodeMaps = new WeakMap<ProcessDefinition, Map<string, ProcessNode>>();

export function nodeMapOf(def: ProcessDefinition): Map<string, ProcessNode> {
  let m = nodeMaps.get(def);
  if (!m) nodeMaps.set(def, (m = new Map(def.nodes.map((n) => [n.id, n]))));
  return m;
}
