import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import { SMPP_STATUS, SmscSimulator, type SimulatorOptions } from '../../../testing/smsc-simulator.ts';
import { SmsSendError, type DeliveryReceipt, type OutgoingSms } from '../notify.types.ts';
import { userMessageReference } from './smpp-encoding.ts';
import { parseSmppUrl, SmppProvider } from './smpp.provider.ts';

const logger = createLogger({ level: 'silent' });
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(query = '', simOpts: SimulatorOptions = {}) {
  const sim = await SmscSimulator.start(simOpts);
  const provider = new SmppProvider(parseSmppUrl(sim.url(`${query}&source=10690000&reconnectMs=20&reconnectMaxMs=50&timeoutMs=500`)), { logger });
  const receipts: DeliveryReceipt[] = [];
  let onReceipt: (() => void) | null = null;
  await provider.start((r) => {
    receipts.push(r);
    onReceipt?.();
  });
  cleanups.push(async () => {
    await provider.stop();
    await sim.stop();
  });
  /** Resolves once `n` receipts have arrived. */
  const receiptsAfter = (n: number) =>
    new Promise<DeliveryReceipt[]>((resolve) => {
      const check = () => receipts.length >= n && resolve(receipts);
      onReceipt = check;
      check();
    });
  return { sim, provider, receipts, receiptsAfter };
}

const sms = (text: string, over: Partial<OutgoingSms> = {}): OutgoingSms => ({
  notificationId: 'n1',
  to: '13800138000',
  text,
  idempotencyKey: 'event:1:sms:13800138000',
  urgent: false,
  ...over,
});

describe('SMPP provider against the SMSC simulator', () => {
  it('binds as transceiver and sends an ASCII message with the exact submit_sm fields', async () => {
    const { sim, provider } = await setup();
    expect(sim.binds).toEqual([{ systemId: 'liandong', mode: 'transceiver' }]);
    const result = await provider.send(sms('Tow car 3 now', { urgent: true }));
    expect(result).toEqual({ providerMessageId: sim.submits[0].messageId, parts: 1 });
    const s = sim.submits[0];
    expect(s).toMatchObject({
      sourceAddr: '10690000',
      destinationAddr: '13800138000',
      destAddrTon: 0,
      destAddrNpi: 1,
      esmClass: 0,
      priorityFlag: 1,
      registeredDelivery: 1,
      dataCoding: 0,
      concat: null,
      text: 'Tow car 3 now',
    });
    expect(s.shortMessage.toString('hex')).toBe(Buffer.from('Tow car 3 now', 'ascii').toString('hex'));
    expect(s.userMessageReference).toBe(userMessageReference('event:1:sms:13800138000'));
  });

  it('sends Chinese as UCS-2 big-endian octets', async () => {
    const { sim, provider } = await setup();
    await provider.send(sms('【联动】请立即处理'));
    expect(sim.submits[0].dataCoding).toBe(8);
    expect(sim.submits[0].shortMessage.toString('hex')).toBe('3010805452a830118bf77acb537359047406');
    expect(sim.submits[0].text).toBe('【联动】请立即处理');
  });

  it('sends a long Chinese message as 3 concatenated parts sharing one reference, each asking a receipt, and reports one receipt', async () => {
    const { sim, provider, receiptsAfter } = await setup();
    const text = '紧急：'.repeat(50); // 150 characters → 67 + 67 + 16
    const result = await provider.send(sms(text));
    expect(result.parts).toBe(3);
    expect(sim.submits).toHaveLength(3);
    const ref = sim.submits[0].concat!.ref;
    expect(sim.submits.map((s) => s.concat)).toEqual([1, 2, 3].map((seq) => ({ ref, total: 3, seq })));
    expect(sim.submits.map((s) => [s.esmClass, s.dataCoding, s.registeredDelivery])).toEqual(Array(3).fill([0x40, 8, 1]));
    expect(sim.submits.map((s) => s.shortMessage.subarray(0, 3).toString('hex'))).toEqual(Array(3).fill('050003'));
    expect(sim.submits.map((s) => s.text).join('')).toBe(text);
    expect(sim.submits.map((s) => s.text.length)).toEqual([67, 67, 16]);
    // Sequence numbers increase part after part.
    const seqs = sim.submits.map((s) => s.sequenceNumber);
    expect(seqs[1]).toBe(seqs[0] + 1);
    expect(seqs[2]).toBe(seqs[1] + 1);
    const receipts = await receiptsAfter(1);
    expect(receipts).toEqual([{ providerMessageId: result.providerMessageId, status: 'delivered', at: expect.any(String) }]);
    expect(sim.receiptsSent).toHaveLength(3);
  });

  it('maps deliver_sm receipts to DeliveryReceipt, from the TLVs or from the text alone', async () => {
    for (const receiptTlvs of [true, false]) {
      const { sim, provider, receiptsAfter } = await setup('', { receiptTlvs });
      sim.receiptFor('13900139000', { stat: 'UNDELIV', err: '012' });
      const ok = await provider.send(sms('hello'));
      const bad = await provider.send(sms('hello', { to: '13900139000' }));
      const receipts = await receiptsAfter(2);
      expect(receipts).toEqual([
        { providerMessageId: ok.providerMessageId, status: 'delivered', at: expect.stringMatching(/Z$/) },
        { providerMessageId: bad.providerMessageId, status: 'failed', at: expect.any(String), error: 'UNDELIV err:012' },
      ]);
    }
  });

  it('binds as transmitter when asked (no receipts on that link)', async () => {
    const { sim, provider, receipts } = await setup('bind=transmitter');
    await provider.send(sms('hi'));
    expect(sim.binds[0].mode).toBe('transmitter');
    expect(receipts).toEqual([]);
  });

  it('sends enquire_link when the link is idle', async () => {
    const { sim } = await setup('enquireLinkMs=40');
    await sim.next('enquire_link', 500);
    await sim.next('enquire_link', 500);
    expect(sim.received.filter((c) => c === 'enquire_link').length).toBeGreaterThanOrEqual(2);
  });

  it('reconnects after the SMSC drops the connection; a send made meanwhile waits and succeeds', async () => {
    const { sim, provider } = await setup();
    await provider.send(sms('before'));
    sim.refuseBinds();
    sim.dropConnections();
    while (provider.isBound) await new Promise((r) => setTimeout(r, 2));
    const pending = provider.send(sms('during'));
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 60)); // a few refused reconnect attempts
    expect(provider.isBound).toBe(false);
    sim.refuseBinds(null);
    await expect(pending).resolves.toMatchObject({ parts: 1 });
    expect(sim.submits.map((s) => s.text)).toEqual(['before', 'during']);
    expect(sim.binds.length).toBe(2);
  });

  it('fails a send transiently when the SMSC stays unreachable past the timeout', async () => {
    const { sim, provider } = await setup('timeoutMs=150');
    sim.refuseBinds();
    sim.dropConnections();
    while (provider.isBound) await new Promise((r) => setTimeout(r, 2));
    const err = await provider.send(sms('lost?')).catch((e) => e);
    expect(err).toBeInstanceOf(SmsSendError);
    expect(err.permanent).toBe(false);
    expect(sim.submits).toHaveLength(0);
  });

  it('reports throttling as transient and an invalid number as permanent', async () => {
    const { sim, provider } = await setup();
    sim.throttle(1);
    const throttled = await provider.send(sms('x')).catch((e) => e);
    expect(throttled).toMatchObject({ permanent: false, message: expect.stringContaining('ESME_RTHROTTLED') });
    await expect(provider.send(sms('x'))).resolves.toMatchObject({ parts: 1 });
    sim.failNumber('13700000000', SMPP_STATUS.ESME_RINVDSTADR);
    const invalid = await provider.send(sms('x', { to: '13700000000' })).catch((e) => e);
    expect(invalid).toMatchObject({ permanent: true, message: expect.stringContaining('ESME_RINVDSTADR') });
    sim.failNumber('13600000000', SMPP_STATUS.ESME_RMSGQFUL);
    await expect(provider.send(sms('x', { to: '13600000000' }))).rejects.toMatchObject({ permanent: false });
  });

  it('never has more than `window` submit_sm outstanding at the SMSC', async () => {
    const { sim, provider } = await setup('window=4', { responseDelayMs: 15 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => provider.send(sms(`m${i}`, { to: `1380000${String(i).padStart(4, '0')}` }))));
    expect(results).toHaveLength(20);
    expect(sim.submitCount).toBe(20);
    expect(sim.maxOutstanding).toBe(4);
  });

  it('paces submits to the configured throughput', async () => {
    const { sim, provider } = await setup('throughput=50');
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, (_, i) => provider.send(sms(`m${i}`))));
    // 6 submits at 50/s: the last leaves 5 × 20 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(sim.submitCount).toBe(6);
  });

  it('supports idempotency only when the SMSC is declared to dedupe by user_message_reference', async () => {
    const plain = await setup();
    expect(plain.provider.supportsIdempotency).toBe(false);
    const { sim, provider } = await setup('dedupeByReference=1', { dedupeByReference: true });
    expect(provider.supportsIdempotency).toBe(true);
    const first = await provider.send(sms('once'));
    const again = await provider.send(sms('once'));
    expect(again.providerMessageId).toBe(first.providerMessageId);
    expect(sim.receiptsSent).toHaveLength(1);
  });

  it('rejects bad URLs with a readable message', () => {
    expect(() => parseSmppUrl('smpp://a:b@host:2775?bind=receiver')).toThrow(/bind must be transceiver or transmitter/);
    expect(() => parseSmppUrl('smpp://a:b@host:2775?window=0')).toThrow(/window must be an integer ≥ 1/);
    expect(parseSmppUrl('smpp://my%40id:p%3Ass@smsc.example:2776')).toMatchObject({ systemId: 'my@id', password: 'p:ss', host: 'smsc.example', port: 2776 });
  });
});
