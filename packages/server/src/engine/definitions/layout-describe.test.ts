import { processTransitions, type ProcessDefinition } from '@liandong/contracts';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DEFINITIONS } from './builtin/index.ts';
import { describeDefinition } from './describe-definition.ts';
import { LAYOUT_SPACING, layoutDefinition } from './layout-definition.ts';
import { validateDefinition } from './validate-definition.ts';

function load(key: string): ProcessDefinition {
  const result = validateDefinition(BUILTIN_DEFINITIONS[key]);
  if (!result.ok) throw new Error(key);
  return result.definition;
}

describe('layoutDefinition', () => {
  it.each(Object.keys(BUILTIN_DEFINITIONS))('%s: every node gets its own place, the start on top', (key) => {
    const laid = layoutDefinition(load(key));
    const places = laid.nodes.map((n) => `${n.position!.x},${n.position!.y}`);
    expect(new Set(places).size).toBe(laid.nodes.length);
    const start = laid.nodes.find((n) => n.id === laid.start)!;
    expect(start.position!.y).toBe(Math.min(...laid.nodes.map((n) => n.position!.y)));
  });

  it('puts the steps of the standard loop one below the other, loops back drawn upwards', () => {
    const laid = layoutDefinition(load('standard'));
    const y = (id: string) => laid.nodes.find((n) => n.id === id)!.position!.y;
    const x = (id: string) => laid.nodes.find((n) => n.id === id)!.position!.x;
    const order = ['accept', 'dispatch', 'handle', 'feedback', 'verify', 'closing', 'closed_normal'];
    for (let i = 1; i < order.length; i++) expect(y(order[i]!)).toBe(y(order[i - 1]!) + LAYOUT_SPACING.y);
    // Accept's exits stay in their order from left to right.
    expect(x('dispatch')).toBeLessThan(x('rejected'));
    expect(x('rejected')).toBeLessThan(x('voided'));
    // Every edge goes down except the loops back (return, rework).
    const upward = laid.nodes.flatMap((n) =>
      processTransitions(n)
        .filter((t) => y(t.to) <= y(t.from))
        .map((t) => `${t.from}→${t.to}`),
    );
    expect(upward.sort()).toEqual(['handle→dispatch', 'verify→handle']);
  });

  it('keeps the positions an author set and fills only the missing ones', () => {
    const def = load('parking');
    def.nodes[0] = { ...def.nodes[0]!, position: { x: 999, y: -50 } };
    const laid = layoutDefinition(def);
    expect(laid.nodes[0]!.position).toEqual({ x: 999, y: -50 });
    expect(laid.nodes.every((n) => n.position)).toBe(true);
    expect(laid.nodes.slice(1).every((n) => n.position!.x !== 999)).toBe(true);
    expect(layoutDefinition(laid)).toBe(laid);
  });

  it('places unreachable nodes too', () => {
    const def = load('self-handled');
    def.nodes.push({ id: 'stray', kind: 'end' });
    const laid = layoutDefinition(def);
    expect(laid.nodes.find((n) => n.id === 'stray')!.position).toBeDefined();
  });
});

describe('describeDefinition', () => {
  it('lists the standard loop in Chinese in the order a case meets it', () => {
    const steps = describeDefinition(load('standard'), 'zh');
    // After the check whether an alarm needs confirming: accept, then dispatch.
    const titles = steps.map((s) => s.title);
    expect(titles.slice(0, 2)).toEqual(['是否待确认', '告警确认']);
    expect(titles.indexOf('派遣')).toBe(titles.indexOf('立案') + 1);
    expect(steps.map((s) => s.id)).toContain('closed_overdue');
    const accept = steps.find((s) => s.id === 'accept')!;
    expect(accept.detail).toContain('值班长');
    // The duty room works around the clock: natural time, shorter for urgent and critical events.
    expect(accept.detail).toContain('时限 1 小时');
    expect(accept.detail).toContain('紧急 30 分钟');
    expect(accept.detail).toContain('不予立案 → 不予立案');
    const handle = steps.find((s) => s.id === 'handle')!;
    expect(handle.detail).toContain('退回 → 派遣');
    expect(handle.detail).toContain('延期');
  });

  it('lists the parking process in English', () => {
    const steps = describeDefinition(load('parking'), 'en');
    expect(steps[0]).toMatchObject({ id: 'lookup_owner', kind: 'action', title: 'Look up the owner' });
    const grace = steps.find((s) => s.id === 'grace')!;
    expect(grace.detail).toBe(
      '5 minutes later → Enforcement; on signal vehicle.gone → Self-corrected (sent by the reporter, officers of department enforcement, API keys with signals:write or an administrator) (whichever comes first)',
    );
    // Who may send the signal, in Chinese too.
    expect(describeDefinition(load('parking'), 'zh').find((s) => s.id === 'grace')!.detail).toContain(
      '（可发送：上报人、部门 enforcement的执法队员、具有 signals:write 权限的接口密钥、管理员）',
    );
    expect(steps.find((s) => s.id === 'owner_known')!.detail).toBe('if vars.ownerFound = true → SMS reminder; otherwise → Enforcement');
    expect(steps.find((s) => s.id === 'remind')!.detail).toContain('SMS (parking.reminder) to the owner');
    expect(steps.find((s) => s.id === 'self_corrected')!.detail).toBe('closed as self-corrected');
  });

  it('names untitled nodes by kind and id', () => {
    const steps = describeDefinition(
      {
        start: 'a',
        nodes: [
          { id: 'a', kind: 'wait', signal: { name: 'x.done', next: 'b' } },
          { id: 'b', kind: 'end' },
        ],
      },
      'en',
    );
    expect(steps).toEqual([
      { id: 'a', kind: 'wait', title: 'Wait a', detail: 'on signal x.done → End b (sent by the platform and administrators only)' },
      { id: 'b', kind: 'end', title: 'End b', detail: 'process ends' },
    ]);
  });
});
