import { z } from 'zod';
import { ApiKeyScope, ClosingKind, EventStatus, Role } from './enums.ts';
import { TIME_LIMIT_KINDS } from './values.ts';

/**
 * Process definitions (the engine's language): data, never scripts. A definition is a list of
 * nodes; every node names its successors itself (`next`, an outcome's `next`, a branch's `next`…)
 * because the meaning of a connection — which outcome, which branch, timer or signal — belongs to
 * the node that leaves through it. The flow diagram derives its edges with `processTransitions`.
 *
 * The schemas check shape only; graph rules (reachability, joins, loops, registry names) are
 * checked by the server's `validateDefinition`, which lists every problem at once.
 */

export const LocalizedText = z.strictObject({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Node ids are chosen by the author and stable across versions (tasks and timers refer to them). */
export const NodeId = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a node id is a letter then letters, digits, _ . - (at most 64)');
export type NodeId = z.infer<typeof NodeId>;

export const ProcessKey = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'a process key is lower-case letters, digits and dashes');

/** Where the node sits on the flow diagram; filled by the layout when absent. */
export const NodePosition = z.strictObject({ x: z.number(), y: z.number() });
export type NodePosition = z.infer<typeof NodePosition>;

export const TimeKind = z.enum(TIME_LIMIT_KINDS);
export type TimeKind = z.infer<typeof TimeKind>;

/**
 * A span of working time (against the calendar's working days and periods) or natural time.
 * Non-positive values pass the schema so the validator can name them (TIME_LIMIT_NOT_POSITIVE).
 */
export const Duration = z.strictObject({ minutes: z.number().int(), kind: TimeKind });
export type Duration = z.infer<typeof Duration>;

/**
 * A task's limit: fixed, or the event category's limit — the handling limit (处置时限), which is
 * also the event's deadline. `kind` counts the category's minutes in that kind of time instead of
 * the category's own (e.g. `natural` for urgent events: the same hours, round the clock).
 */
export const TaskTimeLimit = z.union([Duration, z.strictObject({ from: z.literal('category'), kind: TimeKind.optional() })]);
export type TaskTimeLimit = z.infer<typeof TaskTimeLimit>;

/**
 * A step's limit per urgency of the event (step × urgency, domain.md): the entry for the event's
 * urgency replaces `timeLimit`. A county duty room works around the clock, so the built-in
 * processes give its steps, and every step of urgent and critical events, natural time.
 */
export const TimeLimitByUrgency = z.strictObject({ normal: TaskTimeLimit.optional(), urgent: TaskTimeLimit.optional(), critical: TaskTimeLimit.optional() });
export type TimeLimitByUrgency = z.infer<typeof TimeLimitByUrgency>;

/**
 * Which unit a task goes to, relative to the event: a territorial level of its location, its
 * lead unit, its co-handling units (one task per co-handling unit; none → the task is skipped),
 * a department by code (its local station for the event's township when it has one), or the
 * user who reported it (e.g. the deputy).
 */
export const ASSIGNEE_UNITS = ['grid', 'village', 'township', 'county', 'lead', 'co', 'reporter'] as const;
export const AssigneeUnit = z.union([z.enum(ASSIGNEE_UNITS), z.strictObject({ department: z.string().trim().min(1).max(64) })]);
export type AssigneeUnit = z.infer<typeof AssigneeUnit>;

export const AssigneeRule = z.strictObject({ role: Role, unit: AssigneeUnit });
export type AssigneeRule = z.infer<typeof AssigneeRule>;

/** What happens when a task passes its limit: urge (催办) the handlers, escalate to the unit above, tell the leader. */
export const OVERDUE_ACTIONS = ['urge', 'escalate', 'notify_leader'] as const;
export const OverdueAction = z.enum(OVERDUE_ACTIONS);
export type OverdueAction = z.infer<typeof OverdueAction>;

/** A way to complete a task (`POST /tasks/:id/complete {outcome}`) and where the process goes then. */
export const TaskOutcome = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'an outcome key is lower-case letters, digits and _'),
  title: LocalizedText.optional(),
  next: NodeId,
});
export type TaskOutcome = z.infer<typeof TaskOutcome>;

/**
 * Task actions besides completion. `return` (mis-dispatch) leaves the task towards `next`;
 * transfer, extend (with approval) and shelve (clock paused, with approval) keep the token here.
 */
export const TaskAllow = z.strictObject({
  return: z.strictObject({ next: NodeId }).optional(),
  transfer: z.boolean().optional(),
  extend: z.boolean().optional(),
  shelve: z.boolean().optional(),
});
export type TaskAllow = z.infer<typeof TaskAllow>;

// ---------------------------------------------------------------------------------------------
// Conditions

/** Fields a condition may read: `event.<field>` (see PROCESS_EVENT_FIELDS) or `vars.<name>`. */
export const FieldPath = z.string().regex(/^(event|vars)\.[A-Za-z_][A-Za-z0-9_]*$/, 'a field is event.<name> or vars.<name>');

/** Event fields the runtime puts in a condition's context; the editor offers them in a list. */
export const PROCESS_EVENT_FIELDS = [
  'event.category',
  'event.source',
  'event.urgency',
  'event.status',
  'event.supervised',
  'event.urgeCount',
  'event.overdue',
  'event.plate',
  'event.coUnitCount',
  'event.requiresConfirmation',
] as const;

export const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

export const CONDITION_OPS = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'exists', 'contains'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export const FieldCondition = z.discriminatedUnion('op', [
  z.strictObject({ field: FieldPath, op: z.enum(['eq', 'ne', 'contains']), value: Scalar }),
  z.strictObject({ field: FieldPath, op: z.enum(['gt', 'gte', 'lt', 'lte']), value: z.union([z.number(), z.string()]) }),
  z.strictObject({ field: FieldPath, op: z.enum(['in', 'nin']), value: z.array(Scalar) }),
  /** `value: false` asks for the field to be missing. */
  z.strictObject({ field: FieldPath, op: z.literal('exists'), value: z.boolean().optional() }),
]);
export type FieldCondition = z.infer<typeof FieldCondition>;

export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    FieldCondition,
    z.strictObject({ all: z.array(Condition).min(1) }),
    z.strictObject({ any: z.array(Condition).min(1) }),
    z.strictObject({ not: Condition }),
  ]),
);

// ---------------------------------------------------------------------------------------------
// Actions (automatic steps from a registry)

/** Who an SMS goes to: the vehicle owner, the reporter, the family contact of a person under care, a unit's staff. */
export const SMS_RECIPIENTS = ['owner', 'reporter', 'family', 'unit'] as const;

/** Parameters of each built-in action; the runtime implements one handler per name. */
export const ACTION_PARAMS = {
  /** SMS from a notification template; template variables are filled by the runtime. */
  send_sms: z
    .strictObject({
      template: z.string().min(1).max(64),
      to: z.enum(SMS_RECIPIENTS),
      /** With `to: 'unit'`: whose staff (optionally only one role). */
      unit: AssigneeUnit.optional(),
      role: Role.optional(),
    })
    .refine((p) => (p.to === 'unit') === (p.unit !== undefined), { message: "a unit is named exactly when the SMS goes to 'unit'", path: ['unit'] }),
  /** In-app notification (and SMS when `sms`) to the staff of a unit. */
  notify_unit: z.strictObject({ unit: AssigneeUnit, role: Role.optional(), template: z.string().min(1).max(64), sms: z.boolean().optional() }),
  /** Plate → owner from the vehicle registry; sets vars.ownerFound (personal data stays in the registry). */
  lookup_vehicle_owner: z.strictObject({}),
  call_webhook: z.strictObject({ url: z.url({ protocol: /^https?$/ }), method: z.enum(['POST', 'PUT']).optional() }),
  /** Sets a process variable (or the event's urgency). */
  set_field: z.strictObject({ field: z.string().regex(/^(vars\.[A-Za-z_][A-Za-z0-9_]*|event\.urgency)$/), value: Scalar }),
  /** Closing has its own action; set_status never closes. */
  set_status: z.strictObject({ status: EventStatus.exclude(['closed']) }),
  close: z.strictObject({ kind: ClosingKind }),
} as const;
export type ActionName = keyof typeof ACTION_PARAMS;
export const ACTION_NAMES = Object.keys(ACTION_PARAMS) as ActionName[];

// ---------------------------------------------------------------------------------------------
// Nodes

const base = {
  id: NodeId,
  title: LocalizedText.optional(),
  description: LocalizedText.optional(),
  position: NodePosition.optional(),
};

/**
 * Human work. `assignee` and `outcomes` pass the schema when missing so that a half-drawn task
 * gets a named problem (TASK_WITHOUT_ASSIGNEE) rather than a shape error.
 */
export const TaskNode = z.strictObject({
  ...base,
  kind: z.literal('task'),
  title: LocalizedText,
  assignee: AssigneeRule.optional(),
  /** Without a limit the task has no SLA (slaState stays on_time). */
  timeLimit: TaskTimeLimit.optional(),
  /** Limits for events of a given urgency, in place of `timeLimit` (see TimeLimitByUrgency). */
  timeLimitByUrgency: TimeLimitByUrgency.optional(),
  /** Share of the limit at which the task turns yellow (default 0.8). */
  warnShare: z.number().gt(0).lt(1).optional(),
  overdueActions: z.array(OverdueAction).optional(),
  /** The event's status while this task is open. */
  eventStatus: EventStatus.optional(),
  outcomes: z.array(TaskOutcome).default([]),
  allow: TaskAllow.optional(),
});
export type TaskNode = z.infer<typeof TaskNode>;

export const ActionNode = z.strictObject({
  ...base,
  kind: z.literal('action'),
  /** A name of the action registry (ACTION_NAMES plus any the server adds). */
  action: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).default({}),
  next: NodeId,
  /** Where to go when the action fails for good; without it the instance stops as failed (admin retry). */
  onError: NodeId.optional(),
});
export type ActionNode = z.infer<typeof ActionNode>;

export const SignalName = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'a signal is dotted lower-case words, e.g. vehicle.gone');

/**
 * Who may send a signal through the API (`POST /events/:id/signals`), relative to the event:
 * - `platform`: the platform itself only (comments, ratings: the server sends them, no caller);
 * - `reporter`: the user who filed the event (e.g. the officer who uploaded the plate);
 * - `role`: members with `role` of a unit as a task's assignee names it (a territorial level of
 *   the event's place, its lead or co-handling units, a department's station for its township);
 * - `apiKey`: API keys holding `scope` (a key bound to a unit, for events within that unit only).
 * Administrators who can see the event may always send (as they may skip a step). A signal
 * without `senders` (older versions) is the platform's and the administrators' only.
 */
export const SIGNAL_SENDER_KINDS = ['platform', 'reporter', 'role', 'apiKey'] as const;
export const SignalSender = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('platform') }),
  z.strictObject({ kind: z.literal('reporter') }),
  z.strictObject({ kind: z.literal('role'), role: Role, unit: AssigneeUnit }),
  z.strictObject({ kind: z.literal('apiKey'), scope: ApiKeyScope }),
]);
export type SignalSender = z.infer<typeof SignalSender>;

/** Waits for a duration, a signal addressed to the event, or whichever comes first. */
export const WaitNode = z.strictObject({
  ...base,
  kind: z.literal('wait'),
  timer: z.strictObject({ duration: Duration, next: NodeId }).optional(),
  signal: z.strictObject({ name: SignalName, next: NodeId, senders: z.array(SignalSender).optional() }).optional(),
});
export type WaitNode = z.infer<typeof WaitNode>;

/** The first branch whose condition holds wins; `default` when none does (required by the validator). */
export const DecisionNode = z.strictObject({
  ...base,
  kind: z.literal('decision'),
  branches: z.array(z.strictObject({ when: Condition, next: NodeId, title: LocalizedText.optional() })),
  default: NodeId.optional(),
});
export type DecisionNode = z.infer<typeof DecisionNode>;

export const ParallelNode = z.strictObject({
  ...base,
  kind: z.literal('parallel'),
  branches: z.array(NodeId).min(2),
});
export type ParallelNode = z.infer<typeof ParallelNode>;

/**
 * Joins the branches of `parallel`. `all` waits for every branch; `any` goes on when the first
 * branch arrives and cancels the others (e.g. a progress-reminder loop beside the work itself).
 */
export const JoinNode = z.strictObject({
  ...base,
  kind: z.literal('join'),
  parallel: NodeId,
  mode: z.enum(['all', 'any']).default('all'),
  next: NodeId,
});
export type JoinNode = z.infer<typeof JoinNode>;

/**
 * Ends the process. With `closingKind` the event is closed that way; with `status` it is
 * rejected (不予立案) or void (作废); with neither the event is left as it is (already closed).
 */
export const EndNode = z
  .strictObject({
    ...base,
    kind: z.literal('end'),
    closingKind: ClosingKind.optional(),
    status: z.enum(['rejected', 'void']).optional(),
  })
  .refine((n) => !(n.closingKind && n.status), { message: 'an end either closes (closingKind) or rejects/voids (status), not both', path: ['status'] });
export type EndNode = z.infer<typeof EndNode>;

export const NODE_KINDS = ['task', 'action', 'wait', 'decision', 'parallel', 'join', 'end'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export const ProcessNode = z.discriminatedUnion('kind', [TaskNode, ActionNode, WaitNode, DecisionNode, ParallelNode, JoinNode, EndNode]);
export type ProcessNode = z.infer<typeof ProcessNode>;

export const VariableDecl = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  type: z.enum(['string', 'number', 'boolean']),
  title: LocalizedText.optional(),
});
export type VariableDecl = z.infer<typeof VariableDecl>;

export const ProcessDefinition = z.strictObject({
  key: ProcessKey,
  name: LocalizedText,
  /** Assigned by the store when a version is saved; ignored on input. */
  version: z.number().int().positive().optional(),
  description: LocalizedText.optional(),
  /** Variables the process reads; set by its starter (e.g. vars.familyFirst) or by actions. */
  variables: z.array(VariableDecl).default([]),
  start: NodeId,
  nodes: z.array(ProcessNode).min(1),
});
export type ProcessDefinition = z.infer<typeof ProcessDefinition>;
/** What an author writes: defaults (outcomes, params, variables, join mode) may be left out. */
export type ProcessDefinitionInput = z.input<typeof ProcessDefinition>;

// ---------------------------------------------------------------------------------------------
// Transitions and problems

/**
 * One connection leaving a node. `via` names the exit: `next`, `error`, `outcome:<key>`,
 * `return`, `timer`, `signal`, `branch:<i>`, `default`, `parallel:<i>`. `path` locates the
 * target id inside the node (for problems and for the diagram's edge handles).
 */
export interface ProcessTransition {
  from: string;
  to: string;
  via: string;
  path: (string | number)[];
}

/** Every connection leaving `node`, in a stable order. */
export function processTransitions(node: ProcessNode): ProcessTransition[] {
  const out: ProcessTransition[] = [];
  const add = (to: string | undefined, via: string, path: (string | number)[]) => {
    if (to !== undefined) out.push({ from: node.id, to, via, path });
  };
  switch (node.kind) {
    case 'task':
      node.outcomes.forEach((o, i) => add(o.next, `outcome:${o.key}`, ['outcomes', i, 'next']));
      add(node.allow?.return?.next, 'return', ['allow', 'return', 'next']);
      break;
    case 'action':
      add(node.next, 'next', ['next']);
      add(node.onError, 'error', ['onError']);
      break;
    case 'wait':
      add(node.timer?.next, 'timer', ['timer', 'next']);
      add(node.signal?.next, 'signal', ['signal', 'next']);
      break;
    case 'decision':
      node.branches.forEach((b, i) => add(b.next, `branch:${i}`, ['branches', i, 'next']));
      add(node.default, 'default', ['default']);
      break;
    case 'parallel':
      node.branches.forEach((b, i) => add(b, `parallel:${i}`, ['branches', i]));
      break;
    case 'join':
      add(node.next, 'next', ['next']);
      break;
    case 'end':
      break;
  }
  return out;
}

export const PROCESS_PROBLEM_CODES = [
  'SHAPE_INVALID',
  'DUPLICATE_NODE_ID',
  'START_UNKNOWN',
  'UNKNOWN_NODE',
  'NODE_UNREACHABLE',
  'NO_END_REACHABLE',
  'DECISION_WITHOUT_DEFAULT',
  'TASK_WITHOUT_ASSIGNEE',
  'TASK_WITHOUT_OUTCOMES',
  'DUPLICATE_OUTCOME',
  'TIME_LIMIT_NOT_POSITIVE',
  'WAIT_WITHOUT_TRIGGER',
  'SIGNAL_SENDER_INVALID',
  'UNKNOWN_ACTION',
  'ACTION_PARAMS_INVALID',
  'UNKNOWN_TEMPLATE',
  'UNKNOWN_FIELD',
  'UNKNOWN_VARIABLE',
  'DUPLICATE_VARIABLE',
  'PARALLEL_WITHOUT_JOIN',
  'JOIN_PARALLEL_MISMATCH',
  'PARALLEL_BRANCH_NEVER_JOINS',
  'PARALLEL_BRANCH_ESCAPES',
  'JOIN_REACHABLE_OUTSIDE_PARALLEL',
  'AUTOMATIC_LOOP',
] as const;
export const ProcessProblemCode = z.enum(PROCESS_PROBLEM_CODES);
export type ProcessProblemCode = z.infer<typeof ProcessProblemCode>;

/** One problem of an invalid definition (422 PROCESS_INVALID lists them all in `details.problems`). */
export const ProcessProblem = z.object({
  code: ProcessProblemCode,
  message: z.string(),
  nodeId: z.string().optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
});
export type ProcessProblem = z.infer<typeof ProcessProblem>;
