import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../testing/databases.ts';
import { HttpSmsStub } from '../../../testing/http-sms-stub.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';
import { dispatchDue } from '../dispatcher.ts';
import { clearOutbox, enqueue, notificationRow, smsRequest } from '../notify.test-helpers.ts';
import { HttpGatewayProvider } from './http-gateway.provider.ts';

const SECRET = 'gateway-secret-0123456789';

describe.each(TEST_DIALECTS)('HTTP gateway receipts webhook on %s', (dialect) => {
  let t: TestApp;
  let stub: HttpSmsStub;
  let provider: HttpGatewayProvider;
  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { sms: { url: 'http://gateway.invalid/', secret: SECRET } } });
    stub = await HttpSmsStub.start();
    provider = new HttpGatewayProvider({ url: `${stub.origin}/send`, secret: SECRET, timeoutMs: 1000 }, { logger: t.deps.logger, clock: t.clock });
  });
  afterAll(async () => {
    await stub?.stop();
    await t?.close();
  });
  beforeEach(async () => clearOutbox(t));

  /** Sends one SMS through the dispatcher to the stub gateway; returns the outbox row id. */
  async function sendOne(key: string) {
    const { created } = await enqueue(t, [smsRequest(key)]);
    await dispatchDue(t.deps, provider, { workerId: 'w1', random: () => 0 });
    return created[0]!.id;
  }

  const post = (body: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/sms/receipts/http', payload: body, headers: { 'content-type': 'application/json', ...headers } });
  const signed = (body: string, ts = String(Math.floor(t.clock.now().getTime() / 1000))) => ({
    'x-liandong-timestamp': ts,
    'x-liandong-signature': `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`,
  });

  it('marks the SMS delivered on a correctly signed receipt, and answers "late" for a repeat', async () => {
    const id = await sendOne('r1');
    const row = await notificationRow(t, id);
    expect(row).toMatchObject({ status: 'sent', provider: 'http' });
    const body = JSON.stringify({ messageId: row.provider_message_id, status: 'delivered', at: '2026-11-28T02:00:05Z' });
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ result: 'applied' });
    expect(await notificationRow(t, id)).toMatchObject({ status: 'delivered', delivered_at: '2026-11-28T02:00:05.000Z' });
    expect((await post(body, signed(body))).json()).toEqual({ result: 'late' });
  });

  it('records a failed receipt with its error', async () => {
    const id = await sendOne('r2');
    const row = await notificationRow(t, id);
    const body = JSON.stringify({ messageId: row.provider_message_id, status: 'failed', error: 'UNDELIV' });
    expect((await post(body, signed(body))).statusCode).toBe(200);
    expect(await notificationRow(t, id)).toMatchObject({ status: 'failed', last_error: 'UNDELIV' });
  });

  it('rejects a missing, wrong or stale signature with 401 and changes nothing', async () => {
    const id = await sendOne('r3');
    const row = await notificationRow(t, id);
    const body = JSON.stringify({ messageId: row.provider_message_id, status: 'delivered' });
    const missing = await post(body, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'missing-signature' } });
    const forged = JSON.stringify({ messageId: row.provider_message_id, status: 'failed' });
    const wrong = await post(forged, signed(body));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.details).toEqual({ reason: 'bad-signature' });
    const old = String(Math.floor(t.clock.now().getTime() / 1000) - 301);
    const stale = await post(body, signed(body, old));
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.details).toEqual({ reason: 'stale-timestamp' });
    expect((await notificationRow(t, id)).status).toBe('sent');
  });

  it('answers 404 for an unknown message id and 400 for a signed but invalid body', async () => {
    const unknown = JSON.stringify({ messageId: 'nope', status: 'delivered' });
    const res = await post(unknown, signed(unknown));
    expect(res.statusCode).toBe(404);
    const invalid = JSON.stringify({ messageId: 'x', status: 'read' });
    const bad = await post(invalid, signed(invalid));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const malformed = await post('{"messageId":', signed('{"messageId":'));
    expect(malformed.statusCode).toBe(400);
  });
});
