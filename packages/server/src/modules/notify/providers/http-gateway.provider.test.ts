import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock.ts';
import { createLogger } from '../../../lib/logger.ts';
import { HttpSmsStub } from '../../../testing/http-sms-stub.ts';
import { SmsSendError, type OutgoingSms } from '../notify.types.ts';
import { HttpGatewayProvider, verifySignature } from './http-gateway.provider.ts';

const logger = createLogger({ level: 'silent' });
const SECRET = 'gateway-secret-0123456789';
let stub: HttpSmsStub | null = null;
afterEach(async () => {
  await stub?.stop();
  stub = null;
});

const sms: OutgoingSms = { notificationId: 'n-1', to: '13800138000', text: '【联动】请到东门', idempotencyKey: 'event:7:sms', urgent: true };

async function setup(timeoutMs = 1000) {
  stub = await HttpSmsStub.start();
  const clock = new FakeClock('2026-11-28T02:00:00.000Z');
  const provider = new HttpGatewayProvider({ url: `${stub.origin}/sms/send`, secret: SECRET, timeoutMs }, { logger, clock });
  return { stub, provider, clock };
}

describe('HTTP gateway provider', () => {
  it('posts the documented JSON body with the timestamp, HMAC signature and idempotency key', async () => {
    const { stub, provider } = await setup();
    await expect(provider.send(sms)).resolves.toEqual({ providerMessageId: 'stub-1', parts: 1 });
    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/sms/send');
    expect(req.body).toBe('{"to":"13800138000","text":"【联动】请到东门","idempotencyKey":"event:7:sms","notificationId":"n-1","urgent":true}');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-liandong-timestamp']).toBe('1795831200');
    const expected = createHmac('sha256', SECRET).update(`1795831200.${req.body}`).digest('hex');
    expect(req.headers['x-liandong-signature']).toBe(`sha256=${expected}`);
    expect(req.headers['idempotency-key']).toBe('event:7:sms');
    expect(provider.supportsIdempotency).toBe(true);
  });

  it('takes the part count from the gateway when it gives one', async () => {
    const { stub, provider } = await setup();
    stub.respond = () => ({ status: 202, body: { messageId: 42, parts: 3 } });
    await expect(provider.send(sms)).resolves.toEqual({ providerMessageId: '42', parts: 3 });
  });

  it('maps 4xx to permanent (408 and 429 transient) and 5xx, no messageId and timeouts to transient', async () => {
    const { stub, provider } = await setup(150);
    const answers = [
      { status: 400 },
      { status: 422 },
      { status: 408 },
      { status: 429 },
      { status: 500 },
      { status: 503 },
      { status: 200, body: {} },
      { status: 0, hang: true },
    ];
    stub.respond = (_r, i) => ({ body: { error: 'x' }, ...answers[i] });
    const permanence = [];
    for (const _ of answers) {
      const err = await provider.send(sms).catch((e) => e);
      expect(err).toBeInstanceOf(SmsSendError);
      permanence.push(err.permanent);
    }
    expect(permanence).toEqual([true, true, false, false, false, false, false, false]);
  });

  it('fails transiently when the gateway is unreachable', async () => {
    const { stub, provider } = await setup();
    await stub.stop();
    await expect(provider.send(sms)).rejects.toMatchObject({ permanent: false, message: expect.stringContaining('unreachable') });
  });

  it('verifies webhook signatures: good, wrong, missing, stale', () => {
    const body = '{"messageId":"m1","status":"delivered"}';
    const ts = '1795831200';
    const signature = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
    const now = new Date('2026-11-28T02:01:00Z');
    expect(verifySignature({ secret: SECRET, timestamp: ts, signature, body, now })).toBe('ok');
    expect(verifySignature({ secret: SECRET, timestamp: ts, signature, body: body + ' ', now })).toBe('bad-signature');
    expect(verifySignature({ secret: 'another-secret-0123456', timestamp: ts, signature, body, now })).toBe('bad-signature');
    expect(verifySignature({ secret: SECRET, timestamp: undefined, signature, body, now })).toBe('missing');
    expect(verifySignature({ secret: SECRET, timestamp: ts, signature, body, now: new Date('2026-11-28T02:06:01Z') })).toBe('stale');
  });
});
