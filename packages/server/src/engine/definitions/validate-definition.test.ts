import type { ProcessDefinitionInput, ProcessProblem } from '@liandong/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DEFINITIONS } from './builtin/index.ts';
import { validateDefinition, type ValidateDefinitionOptions } from './validate-definition.ts';

type Def = ProcessDefinitionInput;
type NodeInput = Def['nodes'][number];
const title = { zh: '步骤', en: 'Step' };

/** work (task) → check (decision: urgent → notify SMS) → done (end). Valid. */
function simple(): Def {
  return {
    key: 'test',
    name: { zh: '测试', en: 'Test' },
    start: 'work',
    nodes: [
      {
        id: 'work',
        kind: 'task',
        title,
        assignee: { role: 'handler', unit: 'lead' },
        timeLimit: { minutes: 60, kind: 'working' },
        outcomes: [{ key: 'done', next: 'check' }],
      },
      {
        id: 'check',
        kind: 'decision',
        branches: [{ when: { field: 'event.urgency', op: 'eq', value: 'urgent' }, next: 'notify' }],
        default: 'done',
      },
      { id: 'notify', kind: 'action', action: 'send_sms', params: { template: 'event.urgent', to: 'reporter' }, next: 'done' },
      { id: 'done', kind: 'end', closingKind: 'normal' },
    ],
  };
}

/** p (parallel: a, b) → a, b (tasks) → j (join) → done. Valid. */
function parallel(mode: 'all' | 'any' = 'all'): Def {
  return {
    key: 'par',
    name: { zh: '并行', en: 'Parallel' },
    start: 'p',
    nodes: [
      { id: 'p', kind: 'parallel', branches: ['a', 'b'] },
      { id: 'a', kind: 'task', title, assignee: { role: 'handler', unit: 'lead' }, outcomes: [{ key: 'done', next: 'j' }] },
      { id: 'b', kind: 'task', title, assignee: { role: 'handler', unit: 'co' }, outcomes: [{ key: 'done', next: 'j' }] },
      { id: 'j', kind: 'join', parallel: 'p', mode, next: 'done' },
      { id: 'done', kind: 'end', closingKind: 'normal' },
    ],
  };
}

function node(def: Def, id: string): Record<string, unknown> {
  const n = def.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n as Record<string, unknown>;
}

function problemsOf(def: unknown, options?: ValidateDefinitionOptions): ProcessProblem[] {
  const result = validateDefinition(def, options);
  return result.ok ? [] : result.problems;
}

const brief = (ps: ProcessProblem[]) => ps.map((p) => ({ code: p.code, nodeId: p.nodeId }));

/** Asserts the definition has exactly this one problem. */
function expectOnly(def: unknown, code: string, nodeId: string | undefined, options?: ValidateDefinitionOptions): ProcessProblem {
  const problems = problemsOf(def, options);
  expect(brief(problems)).toEqual([{ code, nodeId }]);
  expect(problems[0]!.message).toMatch(/\S/);
  return problems[0]!;
}

describe('validateDefinition: valid definitions', () => {
  it('accepts a simple definition and fills defaults', () => {
    const result = validateDefinition(simple());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.variables).toEqual([]);
    expect(result.definition.nodes).toHaveLength(4);
  });

  it('accepts a parallel and fills the join mode', () => {
    const def = parallel();
    delete node(def, 'j').mode;
    const result = validateDefinition(def);
    expect(result.ok && result.definition.nodes.find((n) => n.id === 'j')).toMatchObject({ mode: 'all' });
  });
});

describe('validateDefinition: one problem of each kind', () => {
  it('SHAPE_INVALID for something that is not an object', () => {
    expectOnly('hello', 'SHAPE_INVALID', undefined);
    expectOnly([], 'SHAPE_INVALID', undefined);
  });

  it('SHAPE_INVALID with the path of a malformed node field', () => {
    const def = simple();
    delete node(def, 'work').title;
    const p = expectOnly(def, 'SHAPE_INVALID', 'work');
    expect(p.path).toEqual(['nodes', 0, 'title']);
  });

  it('SHAPE_INVALID at the top level (bad key) keeps the node checks', () => {
    const def = { ...simple(), key: 'Not A Key' };
    delete node(def, 'check').default;
    expect(brief(problemsOf(def))).toEqual([
      { code: 'SHAPE_INVALID', nodeId: undefined },
      { code: 'DECISION_WITHOUT_DEFAULT', nodeId: 'check' },
    ]);
    expect(problemsOf(def)[0]!.path).toEqual(['key']);
  });

  it('SHAPE_INVALID inside a condition points at the wrong value, not at the union', () => {
    const def = simple();
    node(def, 'check').branches = [{ when: { field: 'event.urgency', op: 'in', value: 'urgent' }, next: 'notify' }];
    const p = expectOnly(def, 'SHAPE_INVALID', 'check');
    expect(p.path).toEqual(['nodes', 1, 'branches', 0, 'when', 'value']);
  });

  it('SHAPE_INVALID for an unknown node kind or an unknown property', () => {
    const def = simple();
    def.nodes.push({ id: 'script', kind: 'script', code: 'x()' } as unknown as NodeInput);
    expect(brief(problemsOf(def))).toEqual([{ code: 'SHAPE_INVALID', nodeId: 'script' }]);
    const typo = simple();
    node(typo, 'check').defualt = 'done';
    expect(brief(problemsOf(typo))).toEqual([{ code: 'SHAPE_INVALID', nodeId: 'check' }]);
  });

  it('DUPLICATE_NODE_ID', () => {
    const def = simple();
    def.nodes.push({ id: 'done', kind: 'end', closingKind: 'overdue' });
    const p = expectOnly(def, 'DUPLICATE_NODE_ID', 'done');
    expect(p.path).toEqual(['nodes', 4, 'id']);
  });

  it('START_UNKNOWN', () => {
    const def = { ...simple(), start: 'begin' };
    expectOnly(def, 'START_UNKNOWN', undefined);
  });

  it('UNKNOWN_NODE in an outcome, with its path', () => {
    const def = simple();
    (node(def, 'work').outcomes as unknown[]).push({ key: 'oops', next: 'nowhere' });
    const p = expectOnly(def, 'UNKNOWN_NODE', 'work');
    expect(p.path).toEqual(['nodes', 0, 'outcomes', 1, 'next']);
  });

  it('UNKNOWN_NODE in a decision branch, a wait exit, a return and a parallel branch', () => {
    const def = simple();
    node(def, 'check').branches = [
      { when: { field: 'event.urgency', op: 'eq', value: 'urgent' }, next: 'notify' },
      { when: { field: 'event.urgency', op: 'eq', value: 'critical' }, next: 'ghost1' },
    ];
    node(def, 'work').allow = { return: { next: 'ghost2' } };
    def.nodes.push({ id: 'w', kind: 'wait', signal: { name: 'x.y', next: 'ghost3' } });
    (node(def, 'work').outcomes as unknown[]).push({ key: 'wait', next: 'w' });
    const problems = problemsOf(def);
    expect(brief(problems)).toEqual([
      { code: 'UNKNOWN_NODE', nodeId: 'work' },
      { code: 'UNKNOWN_NODE', nodeId: 'check' },
      { code: 'UNKNOWN_NODE', nodeId: 'w' },
    ]);
    expect(problems.map((p) => p.path)).toEqual([
      ['nodes', 0, 'allow', 'return', 'next'],
      ['nodes', 1, 'branches', 1, 'next'],
      ['nodes', 4, 'signal', 'next'],
    ]);
  });

  it('NODE_UNREACHABLE', () => {
    const def = simple();
    def.nodes.push({ id: 'orphan', kind: 'end', closingKind: 'special' });
    expectOnly(def, 'NODE_UNREACHABLE', 'orphan');
  });

  it('NO_END_REACHABLE', () => {
    const def: Def = {
      ...simple(),
      nodes: [
        { id: 'work', kind: 'task', title, assignee: { role: 'handler', unit: 'lead' }, outcomes: [{ key: 'done', next: 'pause' }] },
        { id: 'pause', kind: 'wait', timer: { duration: { minutes: 10, kind: 'natural' }, next: 'work' } },
      ],
    };
    expectOnly(def, 'NO_END_REACHABLE', undefined);
  });

  it('DECISION_WITHOUT_DEFAULT', () => {
    const def = simple();
    delete node(def, 'check').default;
    expectOnly(def, 'DECISION_WITHOUT_DEFAULT', 'check');
  });

  it('TASK_WITHOUT_ASSIGNEE', () => {
    const def = simple();
    delete node(def, 'work').assignee;
    expectOnly(def, 'TASK_WITHOUT_ASSIGNEE', 'work');
  });

  it('TASK_WITHOUT_OUTCOMES', () => {
    const def = simple();
    node(def, 'check').branches = [{ when: { field: 'event.urgency', op: 'eq', value: 'critical' }, next: 'side' }];
    def.nodes.push({ id: 'side', kind: 'task', title, assignee: { role: 'leader', unit: 'county' } });
    def.nodes.push({ id: 'more', kind: 'end' });
    node(def, 'notify').next = 'more';
    (node(def, 'check').branches as unknown[]).push({ when: { field: 'event.urgency', op: 'eq', value: 'urgent' }, next: 'notify' });
    expectOnly(def, 'TASK_WITHOUT_OUTCOMES', 'side');
  });

  it('DUPLICATE_OUTCOME', () => {
    const def = simple();
    (node(def, 'work').outcomes as unknown[]).push({ key: 'done', next: 'done' });
    expectOnly(def, 'DUPLICATE_OUTCOME', 'work');
  });

  it('TIME_LIMIT_NOT_POSITIVE on a task and on a wait', () => {
    const task = simple();
    node(task, 'work').timeLimit = { minutes: 0, kind: 'working' };
    expect(expectOnly(task, 'TIME_LIMIT_NOT_POSITIVE', 'work').path).toEqual(['nodes', 0, 'timeLimit', 'minutes']);

    const wait = simple();
    node(wait, 'notify').next = 'pause';
    wait.nodes.push({ id: 'pause', kind: 'wait', timer: { duration: { minutes: -5, kind: 'natural' }, next: 'done' } });
    expect(expectOnly(wait, 'TIME_LIMIT_NOT_POSITIVE', 'pause').path).toEqual(['nodes', 4, 'timer', 'duration', 'minutes']);
  });

  it('WAIT_WITHOUT_TRIGGER', () => {
    const def = simple();
    node(def, 'check').branches = [
      { when: { field: 'event.urgency', op: 'eq', value: 'urgent' }, next: 'notify' },
      { when: { field: 'event.urgency', op: 'eq', value: 'critical' }, next: 'idle' },
    ];
    def.nodes.push({ id: 'idle', kind: 'wait' });
    expectOnly(def, 'WAIT_WITHOUT_TRIGGER', 'idle');
  });

  describe('signal senders', () => {
    /** simple() with a wait for vehicle.gone after the SMS; `senders` as given. */
    const withSenders = (senders: unknown): Def => {
      const def = simple();
      node(def, 'notify').next = 'grace';
      def.nodes.push({
        id: 'grace',
        kind: 'wait',
        timer: { duration: { minutes: 5, kind: 'natural' }, next: 'done' },
        signal: { name: 'vehicle.gone', next: 'done', senders },
      } as NodeInput);
      return def;
    };

    it('accepts each kind of sender, and a wait without senders (older versions)', () => {
      const senders = [
        { kind: 'platform' },
        { kind: 'reporter' },
        { kind: 'role', role: 'officer', unit: { department: 'enforcement' } },
        { kind: 'role', role: 'handler', unit: 'lead' },
        { kind: 'apiKey', scope: 'signals:write' },
      ];
      expect(problemsOf(withSenders(senders))).toEqual([]);
      const old = withSenders(undefined);
      delete (node(old, 'grace').signal as Record<string, unknown>).senders;
      expect(problemsOf(old)).toEqual([]);
    });

    it('rejects an unknown role, an unknown scope and an unknown kind of sender with their paths', () => {
      expect(expectOnly(withSenders([{ kind: 'role', role: 'janitor', unit: 'lead' }]), 'SHAPE_INVALID', 'grace').path).toEqual([
        'nodes',
        4,
        'signal',
        'senders',
        0,
        'role',
      ]);
      expect(expectOnly(withSenders([{ kind: 'apiKey', scope: 'signals:all' }]), 'SHAPE_INVALID', 'grace').path).toEqual([
        'nodes',
        4,
        'signal',
        'senders',
        0,
        'scope',
      ]);
      expect(expectOnly(withSenders([{ kind: 'anyone' }]), 'SHAPE_INVALID', 'grace').path).toEqual(['nodes', 4, 'signal', 'senders', 0, 'kind']);
      expect(expectOnly(withSenders([{ kind: 'role', role: 'officer', unit: 'street' }]), 'SHAPE_INVALID', 'grace').path?.slice(0, 6)).toEqual([
        'nodes',
        4,
        'signal',
        'senders',
        0,
        'unit',
      ]);
    });

    it('SIGNAL_SENDER_INVALID: an empty list, the integrator role, a read-only scope', () => {
      expect(expectOnly(withSenders([]), 'SIGNAL_SENDER_INVALID', 'grace').path).toEqual(['nodes', 4, 'signal', 'senders']);
      expect(expectOnly(withSenders([{ kind: 'role', role: 'integrator', unit: 'county' }]), 'SIGNAL_SENDER_INVALID', 'grace').path).toEqual([
        'nodes',
        4,
        'signal',
        'senders',
        0,
        'role',
      ]);
      expect(expectOnly(withSenders([{ kind: 'reporter' }, { kind: 'apiKey', scope: 'events:read' }]), 'SIGNAL_SENDER_INVALID', 'grace').path).toEqual([
        'nodes',
        4,
        'signal',
        'senders',
        1,
        'scope',
      ]);
    });

    it('every built-in wait for a signal says who may send it', () => {
      for (const def of Object.values(BUILTIN_DEFINITIONS)) {
        for (const n of def.nodes) if (n.kind === 'wait' && n.signal) expect(n.signal.senders?.length, `${def.key}/${n.id}`).toBeGreaterThan(0);
      }
    });
  });

  it('UNKNOWN_ACTION', () => {
    const def = simple();
    node(def, 'notify').action = 'send_fax';
    expect(expectOnly(def, 'UNKNOWN_ACTION', 'notify').path).toEqual(['nodes', 2, 'action']);
  });

  it('ACTION_PARAMS_INVALID with the path of the parameter', () => {
    const def = simple();
    node(def, 'notify').params = { template: 'event.urgent', to: 'neighbour' };
    expect(expectOnly(def, 'ACTION_PARAMS_INVALID', 'notify').path).toEqual(['nodes', 2, 'params', 'to']);
    node(def, 'notify').params = { template: 'event.urgent', to: 'unit' };
    expect(expectOnly(def, 'ACTION_PARAMS_INVALID', 'notify').path).toEqual(['nodes', 2, 'params', 'unit']);
    node(def, 'notify').params = { template: 'event.urgent', to: 'unit', unit: { department: 'water' } };
    expect(problemsOf(def)).toEqual([]);
    node(def, 'notify').params = {};
    expect(brief(problemsOf(def))).toEqual([
      { code: 'ACTION_PARAMS_INVALID', nodeId: 'notify' },
      { code: 'ACTION_PARAMS_INVALID', nodeId: 'notify' },
    ]);
  });

  it('UNKNOWN_TEMPLATE when a template list is given', () => {
    const def = simple();
    expect(problemsOf(def)).toEqual([]);
    expect(problemsOf(def, { templates: ['event.urgent'] })).toEqual([]);
    expectOnly(def, 'UNKNOWN_TEMPLATE', 'notify', { templates: ['event.assigned'] });
  });

  it('UNKNOWN_FIELD for an event field conditions cannot read', () => {
    const def = simple();
    node(def, 'check').branches = [{ when: { not: { field: 'event.colour', op: 'eq', value: 'red' } }, next: 'notify' }];
    expect(expectOnly(def, 'UNKNOWN_FIELD', 'check').path).toEqual(['nodes', 1, 'branches', 0, 'when']);
  });

  it('UNKNOWN_VARIABLE unless declared or set by an action', () => {
    const def = simple();
    node(def, 'check').branches = [{ when: { field: 'vars.ownerFound', op: 'eq', value: true }, next: 'notify' }];
    expectOnly(def, 'UNKNOWN_VARIABLE', 'check');
    expect(problemsOf({ ...def, variables: [{ name: 'ownerFound', type: 'boolean' }] })).toEqual([]);
    const looked = structuredClone(def);
    looked.nodes.push({ id: 'lookup', kind: 'action', action: 'lookup_vehicle_owner', next: 'check' });
    node(looked, 'work').outcomes = [{ key: 'done', next: 'lookup' }];
    expect(problemsOf(looked)).toEqual([]);
  });

  it('DUPLICATE_VARIABLE', () => {
    const def = {
      ...simple(),
      variables: [
        { name: 'a', type: 'string' as const },
        { name: 'a', type: 'number' as const },
      ],
    };
    expect(expectOnly(def, 'DUPLICATE_VARIABLE', undefined).path).toEqual(['variables', 1, 'name']);
  });

  it('PARALLEL_WITHOUT_JOIN', () => {
    const def = parallel();
    def.nodes = def.nodes.filter((n) => n.id !== 'j');
    node(def, 'a').outcomes = [{ key: 'done', next: 'done' }];
    node(def, 'b').outcomes = [{ key: 'done', next: 'done' }];
    expectOnly(def, 'PARALLEL_WITHOUT_JOIN', 'p');
  });

  it('JOIN_PARALLEL_MISMATCH when a join names a node that is not a parallel', () => {
    const def = parallel();
    node(def, 'j').parallel = 'a';
    expect(brief(problemsOf(def))).toEqual([
      { code: 'JOIN_PARALLEL_MISMATCH', nodeId: 'j' },
      { code: 'PARALLEL_WITHOUT_JOIN', nodeId: 'p' },
    ]);
  });

  it('JOIN_PARALLEL_MISMATCH when two joins name the same parallel', () => {
    const def = parallel();
    node(def, 'b').outcomes = [{ key: 'done', next: 'j2' }];
    def.nodes.push({ id: 'j2', kind: 'join', parallel: 'p', next: 'j' });
    expectOnly(def, 'JOIN_PARALLEL_MISMATCH', 'j2');
  });

  it('PARALLEL_BRANCH_NEVER_JOINS when a branch loops without reaching the join', () => {
    const def = parallel();
    node(def, 'b').outcomes = [{ key: 'done', next: 'b_wait' }];
    def.nodes.push({ id: 'b_wait', kind: 'wait', timer: { duration: { minutes: 60, kind: 'working' }, next: 'b' } });
    expect(expectOnly(def, 'PARALLEL_BRANCH_NEVER_JOINS', 'p').path).toEqual(['nodes', 0, 'branches', 1]);
  });

  it('a join in "any" mode accepts a branch that only loops (it is cancelled), but not all of them', () => {
    const def = parallel('any');
    node(def, 'b').outcomes = [{ key: 'done', next: 'b_wait' }];
    def.nodes.push({ id: 'b_wait', kind: 'wait', timer: { duration: { minutes: 60, kind: 'working' }, next: 'b' } });
    expect(problemsOf(def)).toEqual([]);
    node(def, 'a').outcomes = [{ key: 'done', next: 'b_wait' }];
    expect(brief(problemsOf(def))).toEqual([
      { code: 'NODE_UNREACHABLE', nodeId: 'j' },
      { code: 'NODE_UNREACHABLE', nodeId: 'done' },
      { code: 'NO_END_REACHABLE', nodeId: undefined },
      { code: 'PARALLEL_BRANCH_NEVER_JOINS', nodeId: 'p' },
      { code: 'PARALLEL_BRANCH_NEVER_JOINS', nodeId: 'p' },
    ]);
  });

  it('PARALLEL_BRANCH_ESCAPES when a branch ends the process or loops back before the join', () => {
    const toEnd = parallel();
    node(toEnd, 'b').outcomes = [{ key: 'done', next: 'done' }];
    expect(expectOnly(toEnd, 'PARALLEL_BRANCH_ESCAPES', 'p').message).toContain('"done"');

    const back = parallel();
    node(back, 'b').outcomes = [
      { key: 'done', next: 'j' },
      { key: 'again', next: 'p' },
    ];
    expect(expectOnly(back, 'PARALLEL_BRANCH_ESCAPES', 'p').message).toContain('back to the parallel');
  });

  it('JOIN_REACHABLE_OUTSIDE_PARALLEL', () => {
    const def = parallel();
    def.start = 'pre';
    def.nodes.unshift({
      id: 'pre',
      kind: 'task',
      title,
      assignee: { role: 'dispatcher', unit: 'county' },
      outcomes: [
        { key: 'split', next: 'p' },
        { key: 'skip', next: 'j' },
      ],
    });
    expect(expectOnly(def, 'JOIN_REACHABLE_OUTSIDE_PARALLEL', 'j').message).toContain('"pre"');
  });

  it('AUTOMATIC_LOOP for a cycle of decisions and actions', () => {
    const def = simple();
    node(def, 'work').outcomes = [{ key: 'done', next: 'count' }];
    def.nodes.push({ id: 'count', kind: 'action', action: 'set_field', params: { field: 'vars.n', value: 1 }, next: 'again' });
    def.nodes.push({
      id: 'again',
      kind: 'decision',
      branches: [{ when: { field: 'vars.n', op: 'gt', value: 3 }, next: 'check' }],
      default: 'count',
    });
    expect(expectOnly(def, 'AUTOMATIC_LOOP', 'again').message).toContain('"count"');
  });

  it('AUTOMATIC_LOOP for an action that leads to itself; a wait in the loop makes it fine', () => {
    const def = simple();
    node(def, 'notify').onError = 'notify';
    expectOnly(def, 'AUTOMATIC_LOOP', 'notify');
    node(def, 'notify').onError = 'retry';
    def.nodes.push({ id: 'retry', kind: 'wait', timer: { duration: { minutes: 1, kind: 'natural' }, next: 'notify' } });
    expect(problemsOf(def)).toEqual([]);
  });
});

describe('validateDefinition: every problem at once', () => {
  it('lists the problems of scenario 8 together with others', () => {
    const def = simple();
    delete node(def, 'check').default; // decision without default
    delete node(def, 'work').assignee; // missing assignee rule
    def.nodes.push({ id: 'orphan', kind: 'end', closingKind: 'special' }); // unreachable
    node(def, 'notify').action = 'send_fax';
    node(def, 'work').timeLimit = { minutes: -1, kind: 'natural' };
    const problems = problemsOf(def);
    expect(brief(problems)).toEqual([
      { code: 'TASK_WITHOUT_ASSIGNEE', nodeId: 'work' },
      { code: 'TIME_LIMIT_NOT_POSITIVE', nodeId: 'work' },
      { code: 'DECISION_WITHOUT_DEFAULT', nodeId: 'check' },
      { code: 'UNKNOWN_ACTION', nodeId: 'notify' },
      { code: 'NODE_UNREACHABLE', nodeId: 'orphan' },
    ]);
  });

  it('with a malformed node, lists shape and local problems and leaves graph rules for later', () => {
    const def = simple();
    node(def, 'notify').kind = 'wiat';
    delete node(def, 'check').default;
    delete node(def, 'work').assignee;
    def.nodes.push({ id: 'work', kind: 'end' });
    def.nodes.push({ id: 'orphan', kind: 'end' });
    expect(brief(problemsOf(def))).toEqual([
      { code: 'SHAPE_INVALID', nodeId: 'notify' },
      { code: 'DUPLICATE_NODE_ID', nodeId: 'work' },
      { code: 'TASK_WITHOUT_ASSIGNEE', nodeId: 'work' },
      { code: 'DECISION_WITHOUT_DEFAULT', nodeId: 'check' },
    ]);
  });
});

describe('validateDefinition: node order does not matter', () => {
  const invalid: Def[] = [];
  {
    const d = simple();
    delete node(d, 'check').default;
    d.nodes.push({ id: 'orphan', kind: 'end' });
    invalid.push(d);
    const p = parallel();
    node(p, 'b').outcomes = [{ key: 'done', next: 'done' }];
    invalid.push(p);
    const loop = simple();
    node(loop, 'notify').next = 'notify';
    invalid.push(loop);
    const j = parallel();
    j.start = 'pre';
    j.nodes.push({
      id: 'pre',
      kind: 'task',
      title,
      assignee: { role: 'handler', unit: 'grid' },
      outcomes: [
        { key: 'x', next: 'p' },
        { key: 'y', next: 'j' },
      ],
    });
    invalid.push(j);
  }
  const samples: Def[] = [...Object.values(BUILTIN_DEFINITIONS), simple(), parallel(), parallel('any'), ...invalid];
  const key = (ps: ProcessProblem[]) =>
    brief(ps)
      .map((p) => `${p.code}:${p.nodeId ?? ''}`)
      .sort();

  it('gives the same verdict and the same problems for any order of the nodes', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...samples)
          .chain((def) => fc.tuple(fc.constant(def), fc.shuffledSubarray(def.nodes, { minLength: def.nodes.length, maxLength: def.nodes.length }))),
        ([def, shuffled]) => {
          const a = validateDefinition(def);
          const b = validateDefinition({ ...def, nodes: shuffled });
          expect(b.ok).toBe(a.ok);
          expect(key(b.ok ? [] : b.problems)).toEqual(key(a.ok ? [] : a.problems));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the invalid samples are invalid and the valid ones valid', () => {
    expect(invalid.map((d) => validateDefinition(d).ok)).toEqual([false, false, false, false]);
    expect(validateDefinition(parallel('any')).ok).toBe(true);
  });
});
