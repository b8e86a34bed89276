import { isFinalStatus, type ProcessDefinition, type ProcessNode } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import type { Database, EventsTable, ProcessInstancesTable, ProcessTimersTable, ProcessTokensTable, TasksTable, TimerKind } from '../../db/schema.ts';
import type { Db, Dialect } from '../../db/database.ts';
import type { WriteBatcher } from '../../db/write-batcher.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Ids } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import {
  isSystemActor,
  type CategoryFacts,
  type EngineActor,
  type EngineHost,
  type EngineTerritory,
  type NotificationRequest,
  type TimelineEntry,
} from '../host.ts';
import type { Calendar } from '../time/calendar.ts';
import { insertStatement, marks, runStatements, type Statement } from '../../db/raw-sql.ts';

export type { CategoryFacts } from '../host.ts';

/** What the engine runs on: the database, time and ids, the organisation's units, and its host (AppDeps is one). */
export interface EngineDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  territory: EngineTerritory;
  /** Everything of the modules the engine needs (engine/host.ts). */
  engineHost: EngineHost;
  /** Transactions for hot write paths; plain transactions when absent. */
  writes?: WriteBatcher;
}

/** The engine's name on the timeline. */
export const ENGINE_ACTOR = { kind: 'system', name: '流程引擎 Process engine' } as const satisfies EngineActor;

/** An automatic step that failed for a reason the process may route around (its `onError`). */
export class ActionError extends Error {}

export interface TokenState {
  row: ProcessTokensTable;
  isNew: boolean;
  dirty: boolean;
  deleted: boolean;
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
  readonly timeline: TimelineEntry[] = [];
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
    readonly actor: EngineActor,
  ) {
    this.now = deps.clock.now();
    this.nowIso = this.now.toISOString();
    this.nodes = nodeMapOf(def);
    this.vars = JSON.parse(instance.vars) as Record<string, unknown>;
  }

  /** The modules' side of the engine (engine/host.ts). */
  get host(): EngineHost {
    return this.deps.engineHost;
  }

  get territory(): EngineTerritory {
    return this.deps.territory;
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
    if (isFinalStatus(this.current.status)) return;
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

  log(kind: string, data: Record<string, unknown>, opts: { actor?: EngineActor | null; orgUnitId?: string | null } = {}): void {
    const actor = opts.actor === undefined ? this.actor : opts.actor;
    this.timeline.push({
      eventId: this.event.id,
      at: this.nowIso,
      kind,
      actor,
      orgUnitId: opts.orgUnitId ?? (actor && isSystemActor(actor) ? (actor.orgUnitId ?? null) : (actor?.memberships[0]?.orgUnitId ?? null)),
      data,
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
      this.category = await this.host.lookups.category(this.trx, this.event.category_code);
      this.sharedCategories?.set(this.event.category_code, this.category);
    }
    return this.category;
  }

  /** Facts read ahead (with the start's other reads, in one query). */
  primeCategory(facts: CategoryFacts): void {
    this.category = facts;
  }

  /**
   * Writes everything the step changed, inside the caller's transaction: on PostgreSQL the row
   * changes go as one statement (see runStatements). The event update comes first (on
   * PostgreSQL it takes the event row's lock), then the timeline through the host, which
   * numbers it after every committed entry, then the notifications; their live push is left
   * in afterCommit.
   */
  async flush(): Promise<void> {
    const { trx } = this;
    const writes: Statement[] = [];
    // A new instance's row is written by its start (startInstance), never here: one main process per event.
    const inserts: ProcessTokensTable[] = [];
    const deletes: string[] = [];
    for (const t of this.tokens.values()) {
      if (t.deleted) {
        if (!t.isNew) deletes.push(t.row.id);
      } else if (t.isNew) inserts.push(t.row);
      else if (t.dirty) {
        writes.push({
          text: 'update "process_tokens" set "node_id" = ?, "state" = ?, "fork_id" = ?, "signal" = ? where "id" = ?',
          params: [t.row.node_id, t.row.state, t.row.fork_id, t.row.signal, t.row.id],
        });
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
        params: [
          JSON.stringify(this.vars),
          this.instance.status,
          this.instance.error,
          this.instance.version,
          this.nowIso,
          this.instance.ended_at,
          this.instance.id,
        ],
      });
    }
    const eventUpdate = this.eventUpdate();
    if (eventUpdate) writes.push(eventUpdate);
    await runStatements(trx, writes);
    if (this.timeline.length) await this.host.timeline.append(trx, this.timeline, this.deps);
    if (this.notifications.length) {
      const push = await this.host.notifications.enqueue(trx, this.notifications, this.deps);
      if (push) this.afterCommit.push(push);
    }
  }

  /** The update of the event row: its patch, `updated_at` and version (whenever the step changed it or logged anything). */
  eventUpdate(): Statement | null {
    const patchKeys = Object.keys(this.eventPatch) as Array<keyof EventsTable>;
    if (!this.timeline.length && !patchKeys.length) return null;
    return {
      text: `update "events" set ${patchKeys.map((k) => `"${k}" = ?, `).join('')}"updated_at" = ?, "version" = "version" + 1 where "id" = ?`,
      params: [...patchKeys.map((k) => this.eventPatch[k]), this.nowIso, this.event.id],
    };
  }
}

const nodeMaps = new WeakMap<ProcessDefinition, Map<string, ProcessNode>>();

export function nodeMapOf(def: ProcessDefinition): Map<string, ProcessNode> {
  let m = nodeMaps.get(def);
  if (!m) nodeMaps.set(def, (m = new Map(def.nodes.map((n) => [n.id, n]))));
  return m;
}
