import {
  PROCESS_EVENT_FIELDS,
  ProcessDefinition,
  ProcessNode,
  VariableDecl,
  processTransitions,
  type Condition,
  type JoinNode,
  type ParallelNode,
  type ProcessProblem,
  type ProcessProblemCode,
  type SignalSender,
} from '@liandong/contracts';
import { z } from 'zod';
import { BUILTIN_ACTIONS, type ActionRegistry } from './action-registry.ts';
import { cyclicComponents, reachableFrom } from './definition-graph.ts';
import { conditionFields } from './evaluate-condition.ts';

export interface ValidateDefinitionOptions {
  /** Actions the runtime knows; the built-in ones by default. */
  actions?: ActionRegistry;
  /** Notification template kinds send_sms / notify_unit may name; unchecked when omitted. */
  templates?: readonly string[];
}

export type ValidationResult = { ok: true; definition: ProcessDefinition } | { ok: false; problems: ProcessProblem[] };

type Path = (string | number)[];

const TopLevel = ProcessDefinition.extend({ nodes: z.array(z.unknown()).min(1), variables: z.unknown().optional() });
const Variables = z.array(VariableDecl).default([]);
const EVENT_FIELDS: ReadonlySet<string> = new Set(PROCESS_EVENT_FIELDS);

/**
 * Zod issues as problems. A union reports one issue list per option; the option with the fewest
 * issues is almost always the one the author meant, so only its issues are shown.
 */
function shapeProblems(
  issues: readonly z.core.$ZodIssue[],
  prefix: Path,
  nodeId: string | undefined,
  code: ProcessProblemCode = 'SHAPE_INVALID',
): ProcessProblem[] {
  const out: ProcessProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      out.push(...shapeProblems(best, path, nodeId, code));
      continue;
    }
    const where = path.length > 0 ? ` at ${path.join('.')}` : '';
    out.push({ code, message: `${issue.message}${where}`, ...(nodeId ? { nodeId } : {}), path });
  }
  return out;
}

/** Scopes that let a key read, never act: a signal is a write. */
const READ_SCOPES: ReadonlySet<string> = new Set(['events:read', 'org:read']);

/**
 * Who may send a wait's signal (unknown roles and scopes are already shape errors): at least one
 * sender when the list is given, no role that API keys hold (name the key's scope instead), no
 * read-only scope.
 */
function checkSignalSenders(
  nodeId: string,
  name: string,
  senders: readonly SignalSender[],
  path: Path,
  report: (code: ProcessProblemCode, message: string, nodeId?: string, path?: Path) => void,
): void {
  if (senders.length === 0) {
    report(
      'SIGNAL_SENDER_INVALID',
      `wait "${nodeId}" lists no sender of signal "${name}": name one, or leave senders out (platform and administrators only)`,
      nodeId,
      path,
    );
  }
  senders.forEach((s, i) => {
    if (s.kind === 'role' && s.role === 'integrator') {
      report(
        'SIGNAL_SENDER_INVALID',
        `wait "${nodeId}": role "integrator" is held by API keys; name the key's scope ({kind: "apiKey", scope}) instead`,
        nodeId,
        [...path, i, 'role'],
      );
    }
    if (s.kind === 'apiKey' && READ_SCOPES.has(s.scope)) {
      report(
        'SIGNAL_SENDER_INVALID',
        `wait "${nodeId}": scope "${s.scope}" only reads; sending signal "${name}" needs a write scope such as signals:write`,
        nodeId,
        [...path, i, 'scope'],
      );
    }
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a process definition and lists every problem: shape errors with their paths, then the
 * graph rules (ids, reachability, decisions, tasks, actions, waits, parallels and joins, loops
 * that would run forever without a person or a timer). When a node is malformed its edges are
 * unknown, so the rules that need the whole graph (reachability, joins, loops) wait until the
 * shapes are right rather than report consequences of the malformed node.
 */
export function validateDefinition(input: unknown, options: ValidateDefinitionOptions = {}): ValidationResult {
  const actions = options.actions ?? BUILTIN_ACTIONS;
  const templates = options.templates ? new Set(options.templates) : undefined;
  const problems: ProcessProblem[] = [];
  const report = (code: ProcessProblemCode, message: string, nodeId?: string, path?: Path) =>
    problems.push({ code, message, ...(nodeId !== undefined ? { nodeId } : {}), ...(path ? { path } : {}) });

  if (!isRecord(input)) {
    report('SHAPE_INVALID', 'a process definition is a JSON object', undefined, []);
    return { ok: false, problems };
  }

  const top = TopLevel.safeParse(input);
  if (!top.success) problems.push(...shapeProblems(top.error.issues, [], undefined));
  const variables = Variables.safeParse(input.variables);
  if (!variables.success) problems.push(...shapeProblems(variables.error.issues, ['variables'], undefined));

  // Nodes one by one, so one malformed node does not hide the others' problems.
  const rawNodes = Array.isArray(input.nodes) ? input.nodes : [];
  const knownIds = new Set<string>();
  const nodes: { node: ProcessNode; index: number }[] = [];
  const byId = new Map<string, { node: ProcessNode; index: number }>();
  let malformedNodes = 0;
  rawNodes.forEach((raw, index) => {
    const rawId = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    if (rawId !== undefined) {
      if (knownIds.has(rawId)) report('DUPLICATE_NODE_ID', `node id "${rawId}" is used more than once`, rawId, ['nodes', index, 'id']);
      knownIds.add(rawId);
    }
    const parsed = ProcessNode.safeParse(raw);
    if (!parsed.success) {
      malformedNodes++;
      problems.push(...shapeProblems(parsed.error.issues, ['nodes', index], rawId));
      return;
    }
    nodes.push({ node: parsed.data, index });
    if (!byId.has(parsed.data.id)) byId.set(parsed.data.id, { node: parsed.data, index });
  });

  const start = typeof input.start === 'string' ? input.start : undefined;
  if (start !== undefined && Array.isArray(input.nodes) && !knownIds.has(start)) {
    report('START_UNKNOWN', `start names "${start}", which is not a node`, undefined, ['start']);
  }

  // Local rules, node by node.
  const producedVars = new Set<string>();
  const fieldUses: { field: string; nodeId: string; path: Path }[] = [];
  const joinOf = new Map<string, { node: JoinNode; index: number }>();
  for (const { node, index } of nodes) {
    const at = (...rest: Path): Path => ['nodes', index, ...rest];
    for (const t of processTransitions(node)) {
      if (!knownIds.has(t.to)) report('UNKNOWN_NODE', `node "${node.id}" goes to "${t.to}", which is not a node`, node.id, at(...t.path));
    }
    switch (node.kind) {
      case 'task': {
        if (!node.assignee) report('TASK_WITHOUT_ASSIGNEE', `task "${node.id}" has no assignee rule`, node.id, at('assignee'));
        if (node.outcomes.length === 0) report('TASK_WITHOUT_OUTCOMES', `task "${node.id}" has no outcome to complete it with`, node.id, at('outcomes'));
        const keys = new Set<string>();
        node.outcomes.forEach((o, i) => {
          if (keys.has(o.key)) report('DUPLICATE_OUTCOME', `task "${node.id}" has outcome "${o.key}" more than once`, node.id, at('outcomes', i, 'key'));
          keys.add(o.key);
        });
        if (node.timeLimit && 'minutes' in node.timeLimit && node.timeLimit.minutes <= 0) {
          report('TIME_LIMIT_NOT_POSITIVE', `task "${node.id}" has a time limit of ${node.timeLimit.minutes} minutes`, node.id, at('timeLimit', 'minutes'));
        }
        for (const [urgency, limit] of Object.entries(node.timeLimitByUrgency ?? {})) {
          if (limit && 'minutes' in limit && limit.minutes <= 0) {
            report(
              'TIME_LIMIT_NOT_POSITIVE',
              `task "${node.id}" has a time limit of ${limit.minutes} minutes for ${urgency} events`,
              node.id,
              at('timeLimitByUrgency', urgency, 'minutes'),
            );
          }
        }
        break;
      }
      case 'action': {
        const spec = Object.prototype.hasOwnProperty.call(actions, node.action) ? actions[node.action] : undefined;
        if (!spec) {
          report('UNKNOWN_ACTION', `action "${node.action}" of node "${node.id}" is not in the registry`, node.id, at('action'));
          break;
        }
        const params = spec.params.safeParse(node.params);
        if (!params.success) {
          problems.push(...shapeProblems(params.error.issues, at('params'), node.id, 'ACTION_PARAMS_INVALID'));
          break;
        }
        if (templates) {
          for (const kind of spec.templates?.(params.data) ?? []) {
            if (!templates.has(kind))
              report('UNKNOWN_TEMPLATE', `node "${node.id}" uses template "${kind}", which does not exist`, node.id, at('params', 'template'));
          }
        }
        for (const v of spec.produces?.(params.data) ?? []) producedVars.add(v);
        break;
      }
      case 'wait':
        if (!node.timer && !node.signal) report('WAIT_WITHOUT_TRIGGER', `wait "${node.id}" has neither a duration nor a signal`, node.id, at());
        if (node.timer && node.timer.duration.minutes <= 0) {
          report('TIME_LIMIT_NOT_POSITIVE', `wait "${node.id}" lasts ${node.timer.duration.minutes} minutes`, node.id, at('timer', 'duration', 'minutes'));
        }
        if (node.signal?.senders) checkSignalSenders(node.id, node.signal.name, node.signal.senders, at('signal', 'senders'), report);
        break;
      case 'decision':
        if (node.default === undefined) report('DECISION_WITHOUT_DEFAULT', `decision "${node.id}" has no default branch`, node.id, at('default'));
        node.branches.forEach((b, i) => collectFields(b.when, node.id, at('branches', i, 'when'), fieldUses));
        break;
      case 'join': {
        const target = byId.get(node.parallel);
        if (!target || target.node.kind !== 'parallel') {
          report('JOIN_PARALLEL_MISMATCH', `join "${node.id}" names "${node.parallel}", which is not a parallel node`, node.id, at('parallel'));
        } else if (joinOf.has(node.parallel)) {
          report('JOIN_PARALLEL_MISMATCH', `parallel "${node.parallel}" is already joined by "${joinOf.get(node.parallel)!.node.id}"`, node.id, at('parallel'));
        } else {
          joinOf.set(node.parallel, { node, index });
        }
        break;
      }
      case 'parallel':
      case 'end':
        break;
    }
  }
  for (const { node, index } of nodes) {
    if (node.kind === 'parallel' && byId.get(node.id)?.node === node && !joinOf.has(node.id)) {
      report('PARALLEL_WITHOUT_JOIN', `parallel "${node.id}" has no join`, node.id, ['nodes', index]);
    }
  }

  // Variables and fields.
  if (variables.success) {
    const declared = new Set<string>();
    variables.data.forEach((v, i) => {
      if (declared.has(v.name)) report('DUPLICATE_VARIABLE', `variable "${v.name}" is declared more than once`, undefined, ['variables', i, 'name']);
      declared.add(v.name);
    });
    for (const use of fieldUses) {
      const name = use.field.slice(use.field.indexOf('.') + 1);
      if (use.field.startsWith('event.')) {
        if (!EVENT_FIELDS.has(use.field)) report('UNKNOWN_FIELD', `"${use.field}" is not an event field a condition can read`, use.nodeId, use.path);
      } else if (malformedNodes === 0 && !declared.has(name) && !producedVars.has(name)) {
        report('UNKNOWN_VARIABLE', `"${use.field}" is neither declared in variables nor set by an action`, use.nodeId, use.path);
      }
    }
  }

  // Whole-graph rules.
  if (malformedNodes === 0 && start !== undefined && knownIds.has(start)) {
    checkGraph(nodes, byId, joinOf, start, report);
  }

  if (problems.length > 0 || !top.success || !variables.success) return { ok: false, problems };
  return { ok: true, definition: { ...top.data, variables: variables.data, nodes: nodes.map((n) => n.node) } };
}

function collectFields(cond: Condition, nodeId: string, path: Path, into: { field: string; nodeId: string; path: Path }[]): void {
  for (const field of conditionFields(cond)) into.push({ field, nodeId, path });
}

type Indexed<T> = { node: T; index: number };

function checkGraph(
  nodes: readonly Indexed<ProcessNode>[],
  byId: ReadonlyMap<string, Indexed<ProcessNode>>,
  joinOf: ReadonlyMap<string, Indexed<JoinNode>>,
  start: string,
  report: (code: ProcessProblemCode, message: string, nodeId?: string, path?: Path) => void,
): void {
  const adjacency = new Map<string, string[]>();
  const predecessors = new Map<string, string[]>();
  for (const { node } of byId.values()) {
    const targets = [...new Set(processTransitions(node).map((t) => t.to))].filter((to) => byId.has(to));
    adjacency.set(node.id, targets);
    for (const to of targets) predecessors.set(to, [...(predecessors.get(to) ?? []), node.id]);
  }

  const reached = reachableFrom(adjacency, [start]);
  for (const { node, index } of nodes) {
    if (!reached.has(node.id)) report('NODE_UNREACHABLE', `node "${node.id}" cannot be reached from the start`, node.id, ['nodes', index]);
  }
  if (![...reached].some((id) => byId.get(id)!.node.kind === 'end')) {
    report('NO_END_REACHABLE', 'no end can be reached from the start', undefined, ['start']);
  }

  for (const [parallelId, join] of joinOf) {
    const { node: parallel, index } = byId.get(parallelId) as Indexed<ParallelNode>;
    checkParallel(parallel, index, join, adjacency, predecessors, byId, report);
  }

  // A cycle of automatic steps only would spin for ever: it needs a person (task) or time (wait).
  const ids = [...byId.keys()].sort();
  for (const component of cyclicComponents(ids, adjacency)) {
    if (component.some((id) => ['task', 'wait'].includes(byId.get(id)!.node.kind))) continue;
    const members = [...component].sort();
    report('AUTOMATIC_LOOP', `nodes ${members.map((m) => `"${m}"`).join(', ')} form a loop with no task or wait`, members[0], [
      'nodes',
      byId.get(members[0]!)!.index,
    ]);
  }
}

function checkParallel(
  parallel: ParallelNode,
  index: number,
  join: Indexed<JoinNode>,
  adjacency: ReadonlyMap<string, readonly string[]>,
  predecessors: ReadonlyMap<string, readonly string[]>,
  byId: ReadonlyMap<string, Indexed<ProcessNode>>,
  report: (code: ProcessProblemCode, message: string, nodeId?: string, path?: Path) => void,
): void {
  const joinId = join.node.id;
  const region = new Set<string>();
  const never: number[] = [];
  parallel.branches.forEach((branch, k) => {
    if (!byId.has(branch)) return; // already reported as UNKNOWN_NODE
    if (branch === joinId) return;
    const nodesOfBranch = reachableFrom(adjacency, [branch], new Set([joinId]));
    for (const id of nodesOfBranch) region.add(id);
    const escape = [...nodesOfBranch].sort().find((id) => id === parallel.id || byId.get(id)!.node.kind === 'end');
    if (escape !== undefined) {
      const what = escape === parallel.id ? 'back to the parallel itself' : `to end "${escape}"`;
      report('PARALLEL_BRANCH_ESCAPES', `branch "${branch}" of parallel "${parallel.id}" leads ${what} without passing its join "${joinId}"`, parallel.id, [
        'nodes',
        index,
        'branches',
        k,
      ]);
      return;
    }
    const meets = [...nodesOfBranch].some((id) => (adjacency.get(id) ?? []).includes(joinId));
    if (!meets) never.push(k);
  });
  const mustAllMeet = join.node.mode === 'all';
  const countable = parallel.branches.filter((b) => byId.has(b)).length;
  if (mustAllMeet || never.length === countable) {
    for (const k of never) {
      const branch = parallel.branches[k]!;
      report('PARALLEL_BRANCH_NEVER_JOINS', `branch "${branch}" of parallel "${parallel.id}" never reaches its join "${joinId}"`, parallel.id, [
        'nodes',
        index,
        'branches',
        k,
      ]);
    }
  }

  const outside = (predecessors.get(joinId) ?? []).filter((p) => p !== parallel.id && !region.has(p)).sort();
  if (outside.length > 0) {
    report(
      'JOIN_REACHABLE_OUTSIDE_PARALLEL',
      `join "${joinId}" of parallel "${parallel.id}" is also entered from ${outside.map((p) => `"${p}"`).join(', ')}, outside the parallel`,
      joinId,
      ['nodes', join.index],
    );
  }
}
