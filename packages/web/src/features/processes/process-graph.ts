import type { TFunction } from 'i18next';
import type { ProcessDefinition, ProcessNode, ProcessProblem } from '@liandong/contracts';

/**
 * Pure helpers of the editor. The transitions mirror `processTransitions` of the contracts
 * package, rewritten here because importing it would pull zod's schemas into the bundle.
 */
export interface Transition {
  from: string;
  to: string;
  /** next | error | outcome:<key> | return | timer | signal | branch:<i> | default | parallel:<i> */
  via: string;
}

export function transitionsOf(node: ProcessNode): Transition[] {
  const out: Transition[] = [];
  const add = (to: string | undefined, via: string) => {
    if (to) out.push({ from: node.id, to, via });
  };
  switch (node.kind) {
    case 'task':
      (node.outcomes ?? []).forEach((o) => add(o.next, `outcome:${o.key}`));
      add(node.allow?.return?.next, 'return');
      break;
    case 'action':
      add(node.next, 'next');
      add(node.onError, 'error');
      break;
    case 'wait':
      add(node.timer?.next, 'timer');
      add(node.signal?.next, 'signal');
      break;
    case 'decision':
      node.branches.forEach((b, i) => add(b.next, `branch:${i}`));
      add(node.default, 'default');
      break;
    case 'parallel':
      node.branches.forEach((b, i) => add(b, `parallel:${i}`));
      break;
    case 'join':
      add(node.next, 'next');
      break;
    case 'end':
      break;
  }
  return out;
}

export const NODE_KINDS = ['task', 'action', 'wait', 'decision', 'parallel', 'join', 'end'] as const;
export type Kind = (typeof NODE_KINDS)[number];

export const ROLES = ['grid_worker', 'handler', 'officer', 'dispatcher', 'duty_officer', 'leader', 'deputy', 'admin'] as const;
export const UNIT_RULES = ['grid', 'village', 'township', 'county', 'lead', 'co', 'reporter'] as const;
export const OVERDUE_ACTIONS = ['urge', 'escalate', 'notify_leader'] as const;
export const ACTION_NAMES = ['send_sms', 'notify_unit', 'lookup_vehicle_owner', 'call_webhook', 'set_field', 'set_status', 'close'] as const;
export const CLOSING_KINDS = ['normal', 'overdue', 'self_corrected', 'erroneous', 'special'] as const;
export const EVENT_STATUSES = ['accepted', 'dispatched', 'in_progress', 'awaiting_verification'] as const;
export const CONDITION_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'exists'] as const;
export const EVENT_FIELDS = [
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

/** Parameters a new action node starts with, so that it is valid or nearly so. */
export const ACTION_DEFAULT_PARAMS: Record<string, Record<string, unknown>> = {
  send_sms: { template: 'parking.reminder', to: 'owner' },
  notify_unit: { unit: 'township', template: 'event.assigned' },
  lookup_vehicle_owner: {},
  call_webhook: { url: 'https://example.org/hook' },
  set_field: { field: 'vars.flag', value: true },
  set_status: { status: 'in_progress' },
  close: { kind: 'normal' },
};

/** An id not yet used in the definition: `<kind>_<n>`. */
export function freshNodeId(def: ProcessDefinition, kind: Kind): string {
  const ids = new Set(def.nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!ids.has(`${kind}_${i}`)) return `${kind}_${i}`;
}

/** A new node of `kind` with the least a valid node needs (its exits are connected afterwards). */
export function newNode(def: ProcessDefinition, kind: Kind, position: { x: number; y: number }, title: { zh: string; en: string }): ProcessNode {
  const id = freshNodeId(def, kind);
  const base = { id, title, position };
  switch (kind) {
    case 'task':
      return { ...base, kind, assignee: { role: 'handler', unit: 'township' }, timeLimit: { minutes: 240, kind: 'working' }, outcomes: [] };
    case 'action':
      return { ...base, kind, action: 'notify_unit', params: ACTION_DEFAULT_PARAMS.notify_unit!, next: '' };
    case 'wait':
      return { ...base, kind, timer: { duration: { minutes: 30, kind: 'natural' }, next: '' } };
    case 'decision':
      return { ...base, kind, branches: [] };
    case 'parallel':
      return { ...base, kind, branches: [] };
    case 'join':
      return { ...base, kind, parallel: '', mode: 'all', next: '' };
    case 'end':
      return { ...base, kind, closingKind: 'normal' };
  }
}

/**
 * Connects `source` to `target` through the first free exit of the source (or a new one where a
 * node can have many: a task outcome, a decision branch, a parallel branch).
 */
export function connectNodes(node: ProcessNode, target: string): ProcessNode {
  switch (node.kind) {
    case 'task': {
      const outcomes = node.outcomes ?? [];
      const keys = new Set(outcomes.map((o) => o.key));
      let key = outcomes.length === 0 ? 'done' : `outcome_${outcomes.length + 1}`;
      for (let i = outcomes.length + 2; keys.has(key); i++) key = `outcome_${i}`;
      return { ...node, outcomes: [...outcomes, { key, next: target }] };
    }
    case 'action':
      return !node.next ? { ...node, next: target } : { ...node, onError: target };
    case 'wait':
      if (node.timer && !node.timer.next) return { ...node, timer: { ...node.timer, next: target } };
      if (node.signal && !node.signal.next) return { ...node, signal: { ...node.signal, next: target } };
      if (!node.timer) return { ...node, timer: { duration: { minutes: 30, kind: 'natural' }, next: target } };
      return { ...node, signal: { name: node.signal?.name ?? 'vehicle.gone', next: target } };
    case 'decision':
      if (!node.default) return { ...node, default: target };
      return { ...node, branches: [...node.branches, { when: { field: 'event.urgency', op: 'eq', value: 'urgent' }, next: target }] };
    case 'parallel':
      return node.branches.includes(target) ? node : { ...node, branches: [...node.branches, target] };
    case 'join':
      return { ...node, next: target };
    case 'end':
      return node;
  }
}

/** Removes the exit `via` of a node (an edge deleted on the diagram). */
export function disconnect(node: ProcessNode, via: string): ProcessNode {
  const [kind, arg] = via.split(':') as [string, string | undefined];
  switch (node.kind) {
    case 'task':
      if (kind === 'outcome') return { ...node, outcomes: (node.outcomes ?? []).filter((o) => o.key !== arg) };
      if (kind === 'return') return { ...node, allow: { ...node.allow, return: undefined } };
      return node;
    case 'action':
      return kind === 'error' ? { ...node, onError: undefined } : { ...node, next: '' };
    case 'wait':
      return kind === 'timer' ? { ...node, timer: undefined } : { ...node, signal: undefined };
    case 'decision':
      if (kind === 'default') return { ...node, default: undefined };
      return { ...node, branches: node.branches.filter((_, i) => i !== Number(arg)) };
    case 'parallel':
      return { ...node, branches: node.branches.filter((_, i) => i !== Number(arg)) };
    case 'join':
      return { ...node, next: '' };
    case 'end':
      return node;
  }
}

export function replaceNode(def: ProcessDefinition, node: ProcessNode): ProcessDefinition {
  return { ...def, nodes: def.nodes.map((n) => (n.id === node.id ? node : n)) };
}

/** Links between steps: empty means "not connected yet". */
const LINK_FIELDS = new Set(['next', 'parallel', 'default', 'target']);

/**
 * A problem in the user's language. The server's text for a malformed field (SHAPE_INVALID) is
 * technical English; where its path names a field the editor knows, that field is named instead.
 */
export function localProblemText(t: TFunction, p: ProcessProblem): string {
  const field = p.code === 'SHAPE_INVALID' && p.nodeId ? p.path?.[p.path.length - 1] : undefined;
  const label = typeof field === 'string' ? t(`processes.shapeField.${field}`, { defaultValue: '' }) : '';
  if (label) return t(LINK_FIELDS.has(field as string) ? 'processes.shapeProblem.notConnected' : 'processes.shapeProblem.field', { field: label });
  return t(`processes.problem.${p.code}`, { message: p.message, defaultValue: p.message });
}
