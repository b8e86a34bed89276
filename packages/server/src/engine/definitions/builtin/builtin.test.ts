import type { ProcessDefinition, ProcessNode } from '@liandong/contracts';
import { processTransitions } from '@liandong/contracts';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_SEED } from '../../../modules/catalog/catalog.seed.ts';
import { DEFAULT_TEMPLATES } from '../../../modules/notify/templates.ts';
import { evaluateCondition, type ConditionContext } from '../evaluate-condition.ts';
import { validateDefinition } from '../validate-definition.ts';
import { BUILTIN_DEFINITIONS } from './index.ts';

const TEMPLATES = Object.keys(DEFAULT_TEMPLATES);

function load(key: string): ProcessDefinition {
  const result = validateDefinition(BUILTIN_DEFINITIONS[key], { templates: TEMPLATES });
  if (!result.ok) throw new Error(`${key}: ${JSON.stringify(result.problems)}`);
  return result.definition;
}

/**
 * Walks a definition the way the runtime will: `via` picks the exit of a task (outcome key or
 * 'return'), a wait ('timer' | 'signal') or an action ('next' | 'error'); decisions and the
 * exits named in `steps` are followed until a node that needs one of `steps` is met.
 */
function walk(def: ProcessDefinition, steps: string[], context: ConditionContext = {}, from = def.start): string[] {
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const path: string[] = [from];
  const queue = [...steps];
  let node: ProcessNode = byId.get(from)!;
  for (let guard = 0; guard < 100 && node.kind !== 'end'; guard++) {
    let next: string | undefined;
    if (node.kind === 'decision') {
      next = node.branches.find((b) => evaluateCondition(b.when, context))?.next ?? node.default;
    } else if (node.kind === 'action' && queue[0] !== 'error') {
      next = node.next;
    } else if (node.kind === 'join') {
      next = node.next;
    } else {
      const via = queue.shift();
      if (via === undefined) break;
      const t = processTransitions(node).find((x) => x.via === via || x.via === `outcome:${via}` || x.via === `parallel:${via}`);
      if (!t) throw new Error(`${node.id} has no exit ${via}`);
      next = t.to;
    }
    node = byId.get(next!)!;
    path.push(node.id);
  }
  return path;
}

function nodeOf<K extends ProcessNode['kind']>(def: ProcessDefinition, id: string, kind: K): Extract<ProcessNode, { kind: K }> {
  const n = def.nodes.find((x) => x.id === id);
  expect(n?.kind).toBe(kind);
  return n as Extract<ProcessNode, { kind: K }>;
}

describe('built-in processes', () => {
  it.each(Object.keys(BUILTIN_DEFINITIONS))('%s is valid with the real template list', (key) => {
    const result = validateDefinition(BUILTIN_DEFINITIONS[key], { templates: TEMPLATES });
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(BUILTIN_DEFINITIONS[key]!.key).toBe(key);
  });

  it('covers every process the category catalogue names', () => {
    const named = new Set(CATALOGUE_SEED.map((s) => (s as { process?: string }).process).filter(Boolean));
    expect([...named].filter((k) => !BUILTIN_DEFINITIONS[k!])).toEqual([]);
    expect(Object.keys(BUILTIN_DEFINITIONS).sort()).toEqual([
      'ai-alarm',
      'care-inactivity',
      'collaboration',
      'deputy-concern',
      'parking',
      'self-handled',
      'standard',
    ]);
  });

  describe('standard closed loop', () => {
    const def = load('standard');

    it('accepts, dispatches, handles, verifies and closes on time', () => {
      expect(walk(def, ['accept', 'dispatched', 'handled', 'pass'], { event: { overdue: false } })).toEqual([
        'needs_confirmation',
        'accept',
        'dispatch',
        'handle',
        'feedback',
        'verify',
        'closing',
        'closed_normal',
      ]);
      expect(walk(def, ['accept', 'dispatched', 'handled', 'pass'], { event: { overdue: true } }).at(-1)).toBe('closed_overdue');
    });

    it('has an unconfirmed alarm confirmed first: confirmed goes to dispatch, a false alarm closes as erroneous', () => {
      const unconfirmed = { event: { status: 'pending_confirmation', overdue: false } };
      expect(walk(def, ['confirm', 'dispatched'], unconfirmed).slice(0, 4)).toEqual(['needs_confirmation', 'confirm', 'dispatch', 'handle']);
      expect(nodeOf(def, walk(def, ['reject'], unconfirmed).at(-1)!, 'end').closingKind).toBe('erroneous');
    });

    it('rejects or voids at acceptance', () => {
      expect(nodeOf(def, walk(def, ['reject']).at(-1)!, 'end').status).toBe('rejected');
      expect(nodeOf(def, walk(def, ['void']).at(-1)!, 'end').status).toBe('void');
    });

    it('sends a returned case back to the dispatcher and a failed verification back to handling', () => {
      expect(walk(def, ['accept', 'dispatched', 'return']).at(-1)).toBe('dispatch');
      expect(walk(def, ['accept', 'dispatched', 'handled', 'fail']).at(-1)).toBe('handle');
    });

    it('assigns each step to the right people', () => {
      expect(nodeOf(def, 'accept', 'task').assignee).toEqual({ role: 'duty_officer', unit: 'county' });
      const handle = nodeOf(def, 'handle', 'task');
      expect(handle.assignee).toEqual({ role: 'handler', unit: 'lead' });
      expect(handle.timeLimit).toEqual({ from: 'category' });
      expect(handle.allow).toMatchObject({ extend: true, shelve: true, transfer: true });
      expect(handle.overdueActions).toEqual(['urge', 'escalate']);
      expect(nodeOf(def, 'verify', 'task').assignee).toEqual({ role: 'grid_worker', unit: 'grid' });
    });
  });

  it('self-handled closes at once', () => {
    const def = load('self-handled');
    expect(nodeOf(def, def.start, 'end').closingKind).toBe('normal');
  });

  describe('care inactivity', () => {
    const def = load('care-inactivity');
    it('SMSes the family first only where the rule says so', () => {
      expect(walk(def, [], { vars: { familyFirst: true } })).toEqual(['alert_grid', 'alert_duty', 'family_first', 'sms_family', 'visit']);
      expect(walk(def, [], { vars: { familyFirst: false } })).toEqual(['alert_grid', 'alert_duty', 'family_first', 'visit']);
      expect(walk(def, [], {})).toEqual(['alert_grid', 'alert_duty', 'family_first', 'visit']);
      expect(nodeOf(def, 'sms_family', 'action').params).toEqual({ template: 'care.alert', to: 'family' });
    });
    it('gives the grid worker a short natural-time visit; found safe closes', () => {
      const visit = nodeOf(def, 'visit', 'task');
      expect(visit.assignee).toEqual({ role: 'grid_worker', unit: 'grid' });
      expect(visit.timeLimit).toEqual({ minutes: 60, kind: 'natural' });
      expect(nodeOf(def, walk(def, ['safe']).at(-1)!, 'end').closingKind).toBe('normal');
    });
  });

  describe('parking: remind, then enforce', () => {
    const def = load('parking');
    it('reminds a known owner and closes as self-corrected when the car leaves', () => {
      const path = walk(def, ['signal'], { vars: { ownerFound: true } });
      expect(path).toEqual(['lookup_owner', 'owner_known', 'remind', 'grace', 'self_corrected']);
      expect(nodeOf(def, 'remind', 'action').params).toEqual({ template: 'parking.reminder', to: 'owner' });
      expect(nodeOf(def, 'self_corrected', 'end').closingKind).toBe('self_corrected');
    });
    it('waits 5 natural minutes for vehicle.gone, then sends enforcement of the place', () => {
      const grace = nodeOf(def, 'grace', 'wait');
      expect(grace.timer?.duration).toEqual({ minutes: 5, kind: 'natural' });
      expect(grace.signal?.name).toBe('vehicle.gone');
      expect(walk(def, ['timer', 'handled'], { vars: { ownerFound: true } })).toEqual(['lookup_owner', 'owner_known', 'remind', 'grace', 'enforce', 'closed']);
      expect(nodeOf(def, 'enforce', 'task').assignee).toEqual({ role: 'officer', unit: { department: 'enforcement' } });
    });
    it('goes straight to enforcement when the owner is unknown or the SMS fails', () => {
      expect(walk(def, [], { vars: { ownerFound: false } })).toEqual(['lookup_owner', 'owner_known', 'enforce']);
      expect(walk(def, [], {})).toEqual(['lookup_owner', 'owner_known', 'enforce']);
      expect(nodeOf(def, 'remind', 'action').onError).toBe('enforce');
    });
  });

  describe('AI alarm', () => {
    const def = load('ai-alarm');
    it('a rejection closes as erroneous; a confirmation leads to handling', () => {
      expect(nodeOf(def, 'confirm', 'task').assignee).toEqual({ role: 'duty_officer', unit: 'county' });
      expect(nodeOf(def, walk(def, ['reject']).at(-1)!, 'end').closingKind).toBe('erroneous');
      expect(walk(def, ['confirm', 'handled', 'pass'])).toEqual(['confirm', 'route', 'handle', 'feedback', 'verify', 'closing', 'closed_normal']);
      expect(walk(def, ['confirm', 'return']).at(-1)).toBe('redispatch');
    });
  });

  describe('collaboration', () => {
    const def = load('collaboration');
    it('runs the lead and the co-handling units at once and verifies after all of them', () => {
      const split = nodeOf(def, 'together', 'parallel');
      expect(walk(def, [], { event: { status: 'reported' } }).slice(0, 2)).toEqual(['needs_confirmation', 'together']);
      expect(split.branches.map((b) => nodeOf(def, b, 'task').assignee?.unit)).toEqual(['lead', 'co']);
      const join = nodeOf(def, 'all_done', 'join');
      expect(join).toMatchObject({ parallel: 'together', mode: 'all', next: 'feedback' });
      expect(walk(def, ['handled', 'pass'], {}, 'lead_handle')).toEqual(['lead_handle', 'all_done', 'feedback', 'verify', 'closing', 'closed_normal']);
      expect(walk(def, ['fail', 'handled'], {}, 'verify')).toEqual(['verify', 'rework', 'feedback', 'verify']);
    });
  });

  describe("deputy's concern", () => {
    const def = load('deputy-concern');
    it('reminds the handler every 4 working hours without progress, while the work is open', () => {
      const wait = nodeOf(def, 'progress_wait', 'wait');
      expect(wait.timer?.duration).toEqual({ minutes: 240, kind: 'working' });
      expect(walk(def, ['timer'], {}, 'progress_wait')).toEqual(['progress_wait', 'progress_remind', 'progress_wait']);
      expect(walk(def, ['signal'], {}, 'progress_wait')).toEqual(['progress_wait', 'progress_wait']);
      expect(nodeOf(def, 'replied', 'join').mode).toBe('any');
    });
    it('dispatches by the township, replies, closes and waits for the rating', () => {
      expect(nodeOf(def, def.start, 'task').assignee).toEqual({ role: 'dispatcher', unit: 'township' });
      expect(walk(def, ['dispatched', '0', 'replied', 'signal'], { event: { overdue: false } })).toEqual([
        'township_dispatch',
        'working',
        'handle',
        'replied',
        'closing',
        'close_normal',
        'rating',
        'rated',
      ]);
      expect(nodeOf(def, 'rating', 'wait').signal?.name).toBe('event.rated');
    });
  });
});
