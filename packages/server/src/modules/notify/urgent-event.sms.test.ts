import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { SmscSimulator } from '../../testing/smsc-simulator.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { dispatchDue } from './dispatcher.ts';
import { createSmsProvider } from './providers/index.ts';
import type { SmsProvider } from './notify.types.ts';

/**
 * Issue 3, done when: creating an urgent event notifies the on-duty members of every unit it routes
 * to, and the SMS reaches the SMSC with the right numbers and the right Chinese text, a long one
 * concatenated. Everything real but the clock: HTTP API, outbox, dispatcher, SMPP 3.4 over TCP.
 */
describe.each(TEST_DIALECTS)('an urgent event reaches the SMSC (%s)', (dialect) => {
  let t: TestApp;
  let sim: SmscSimulator;
  let provider: SmsProvider;

  beforeAll(async () => {
    sim = await SmscSimulator.start({ receipts: false });
    t = await createTestApp(dialect, { config: { sms: { url: sim.url('window=10') } } });
    provider = createSmsProvider(t.deps.config.sms.url, { logger: t.deps.logger });
    await provider.start(() => {});
  });
  afterAll(async () => {
    await provider?.stop();
    await t?.close();
    await sim?.stop();
  });

  it('texts the on-duty staff of the lead and every co-handling unit, in Chinese, split into parts', async () => {
    // 0501 (drinking-water source): lead = the village, co-handling = water bureau and township.
    const address = '东港镇南浦村水库大坝东侧二百米处的取水口附近，靠近南浦村第一网格与第二网格交界的小路旁边';
    const created = await t.as('gwA1a')('POST', '/api/v1/events', {
      category: '0501',
      title: '有人在饮用水源地洗衣服',
      location: { ...t.fixture.points.gA1a, address },
      source: 'patrol',
      urgency: 'urgent',
    });
    expect(created.statusCode).toBe(201);
    const event = created.json();

    const report = await dispatchDue(t.deps, provider, { workerId: 'test' });
    expect(report.failed + report.dead).toBe(0);

    // handlerVA1 (village, lead), waterHandler (water bureau), dispatcherA (township command room).
    const expected = new Map([
      ['13800000005', 'handlerVA1'],
      ['13800000008', 'waterHandler'],
      ['13800000004', 'dispatcherA'],
    ]);
    const byNumber = new Map<string, typeof sim.submits>();
    for (const s of sim.submits) byNumber.set(s.destinationAddr, [...(byNumber.get(s.destinationAddr) ?? []), s]);
    expect(new Set(byNumber.keys())).toEqual(new Set(expected.keys()));

    const text = `【联动】紧急事件：${event.code} 饮用水源地违规活动，地点：${address}。请立即处置！`;
    for (const parts of byNumber.values()) {
      expect(parts.length).toBeGreaterThan(1); // longer than one SMS: concatenated
      expect(parts.every((p) => p.dataCoding === 8)).toBe(true); // UCS-2
      const refs = new Set(parts.map((p) => p.concat?.ref));
      expect(refs.size).toBe(1);
      expect(parts.map((p) => p.concat?.seq).sort()).toEqual(parts.map((_, i) => i + 1));
      expect(parts.every((p) => p.concat?.total === parts.length)).toBe(true);
      const ordered = [...parts].sort((a, b) => a.concat!.seq - b.concat!.seq);
      expect(ordered.map((p) => p.text).join('')).toBe(text);
    }

    // The same people have it in their in-app inbox.
    for (const username of expected.values()) {
      const inbox = (await t.as(username)('GET', '/api/v1/notifications?mine=1')).json();
      expect(inbox.items.some((n: { eventId: string }) => n.eventId === event.id)).toBe(true);
    }
    // And the SMS log an administrator reads agrees.
    const log = (await t.as('admin')('GET', `/api/v1/sms-messages?eventId=${event.id}`)).json();
    expect(log.items).toHaveLength(3);
    expect(log.items.every((m: { status: string }) => m.status === 'sent')).toBe(true);
  });
});
