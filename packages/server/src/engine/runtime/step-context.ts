import type { ProcessDefinition, ProcessNode } from '@liandong/contracts';
import type { Transaction } from 'kysely';
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
import { insertStatement, marks, rawQuery, runStatements, type Statement } from '../../db/raw-sql.ts';

export type EngineDeps = Pick<AppDeps, 'db' | 'clock' | 'ids' | 'territory' | 'logger' | 'dialect' | 'caches' | 'stream' | 'bus'> & Partial<Pick<AppDeps, 'config' | 'writes'>>;

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
  /** A start that found the event's process already there: nothing was run, nothing is written. */
  skipped = false;
  /** PostgreSQL: this transaction holds the event row's lock already (taken by the start's first read). */
  eventLocked = false;
  /** People told of the event in this transaction already (its linkage): not told of new tasks again. */
  alreadyTold: ReadonlySet<string> | null = null;
  private category: CategoryFacts | undefined;
  private sharedCategories: Map<string, CategoryFacts> | undefined;

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

  /** Category facts already read by other steps of the same round (timers), and to add to. */
  shareCategories(shared: Map<string, CategoryFacts>): void {
    this.sharedCategories = shared;
  }

  async categoryFacts(): Promise<CategoryFacts> {
    if (!this.category) this.category = this.sharedCategories?.get(this.event.category_code);
    if (!this.category) {
      const [row] = await rawQuery<CategoryRow>(this.trx, 'select "name_zh", "time_limit_minutes", "time_limit_kind", "requires_confirmation" from "categories" where "code" = ?', [this.event.category_code]);
      this.category = categoryFactsOf(this.event.category_code, row);
      this.sharedCategories?.set(this.event.category_code, this.category);
    }
    return this.category;
  }

  /** Facts read ahead (with the start's other reads, in one query). */
  primeCategory(facts: CategoryFacts): void {
    this.category = facts;
  }

  /**
   * Writes everything the step changed. On PostgreSQL the row changes go as one statement (see
   * runStatements) — with the timeline in it when the event row is already locked by this
   * transaction (`eventLocked`), else the timeline follows once the event update holds the lock,
   * so its numbering sees every committed entry.
   */
  async flush(): Promise<void> {
    const { trx } = this;
    const pg = this.deps.dialect === 'postgres';
    const writes: Statement[] = [];
    // A new instance's row is written by its start (startInstance), never here: one main process per event.
    const inserts: ProcessTokensTable[] = [];
    const deletes: string[] = [];
    for (const t of this.tokens.values()) {
      if (t.deleted) {
        if (!t.isNew) deletes.push(t.row.id);
      } else if (t.isNew) inserts.push(t.row);
      else if (t.dirty) {
        writes.push({ text: 'update "process_tokens" set "node_id" = ?, "state" = ?, "fork_id" = ?, "signal" = ? where "id" = ?', params: [t.row.node_id, t.row.state, t.row.fork_id, t.row.signal, t.row.id] });
      }
    }
    if (deletes.length) {
      writes.push({ text: `delete from "process_timers" where "token_id" in (${marks(deletes.length)})`, params: deletes });
      writes.push({ text: `delete from "process_tokens" where "id" in (${marks(deletes.length)})`, params: deletes });
    }
    if (inserts.length) writes.push(insertStatement('process_tokens', inserts));
    if (this.newTasks.length) writes.push(insertStatement('tasks', this.newTasks));
    if (this.newTimers.length) writes.push(insertStatement('process_timers', this.newTimers));
    if (this.instanceDirty) {
      writes.push({
        text: 'update "process_instances" set "vars" = ?, "status" = ?, "error" = ?, "version" = ?, "updated_at" = ?, "ended_at" = ? where "id" = ?',
        params: [JSON.stringify(this.vars), this.instance.status, this.instance.error, this.instance.version, this.nowIso, this.instance.ended_at, this.instance.id],
      });
    }
    const patchKeys = Object.keys(this.eventPatch) as Array<keyof EventsTable>;
    if (this.timeline.length || patchKeys.length) {
      writes.push({
        text: `update "events" set ${patchKeys.map((k) => `"${k}" = ?, `).join('')}"updated_at" = ?, "version" = "version" + 1 where "id" = ?`,
        params: [...patchKeys.map((k) => this.eventPatch[k]), this.nowIso, this.event.id],
      });
    }
    if (this.timeline.length) {
      const rows = this.timeline.map((e, i) => ({ id: this.deps.ids.id(), seq: i + 1, ...e }));
      if (pg) {
        // Numbered in the statement itself: a subquery sees the entries committed before it, not its own.
        const cols = Object.keys(rows[0]);
        const tuple = `(${cols.map((c) => (c === 'seq' ? '(select coalesce(max("seq"), 0) from "event_timeline" where "event_id" = ?) + ?' : '?')).join(', ')})`;
        const timeline: Statement = {
          text: `insert into "event_timeline" (${cols.map((c) => `"${c}"`).join(', ')}) values ${rows.map(() => tuple).join(', ')}`,
          params: rows.flatMap((r) => cols.map((c) => (c === 'seq' ? [this.event.id, r.seq] : [(r as Record<string, unknown>)[c]])).flat()),
        };
        if (this.eventLocked) writes.push(timeline);
        else {
          await runStatements(trx, writes);
          writes.length = 0;
          writes.push(timeline);
        }
      } else {
        await runStatements(trx, writes);
        writes.length = 0;
        const last = await rawQuery<{ seq: number | null }>(trx, 'select max("seq") as "seq" from "event_timeline" where "event_id" = ?', [this.event.id]);
        const base = Number(last[0]?.seq ?? 0);
        for (const r of rows) r.seq += base;
        writes.push(insertStatement('event_timeline', rows));
      }
    }
    await runStatements(trx, writes);
    if (this.notifications.length) {
      const result = await enqueueNotifications(trx, this.deps, this.notifications, { skipInvalid: true });
      const inApp = result.created.filter((n) => n.channel === 'in_app');
      if (inApp.length) this.afterCommit.push(() => void pushNotifications(this.deps, inApp));
    }
  }
}

export interface CategoryRow {
  name_zh: string | null;
  time_limit_minutes: number | null;
  time_limit_kind: string | null;
  requires_confirmation: number | null;
}

export function categoryFactsOf(code: string, row: CategoryRow | undefined): CategoryFacts {
  return {
    name: row?.name_zh ?? code,
    timeLimitMinutes: row?.time_limit_minutes ?? null,
    timeLimitKind: row?.time_limit_kind ?? 'working',
    requiresConfirmation: row?.requires_confirmation === 1,
  };
}

const nodeMaps = new WeakMap<ProcessDefinition, Map<string, ProcessNode>>();

export function nodeMapOf(def: ProcessDefinition): Map<string, ProcessNode> {
  let m = nodeMaps.get(def);
  if (!m) nodeMaps.set(def, (m = new Map(def.nodes.map((n) => [n.id, n]))));
  return m;
}
