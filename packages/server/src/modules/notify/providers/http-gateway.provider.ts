import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../../lib/clock.ts';
import { maskPersonalText, type Logger } from '../../../lib/logger.ts';
import { SmsSendError, type OutgoingSms, type SmsProvider, type SmsSendResult } from '../notify.types.ts';
import { encodeSms } from './smpp-encoding.ts';

/**
 * The JSON webhook gateway: one POST per SMS to the configured `https://…` (or `http://…`) URL.
 *
 * Request body (exactly these keys, in this order):
 *   {"to":"13800138000","text":"…","idempotencyKey":"…","notificationId":"…","urgent":false}
 * Headers:
 *   Content-Type: application/json
 *   X-Liandong-Timestamp: <unix seconds>
 *   X-Liandong-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
 *   Idempotency-Key: <idempotencyKey>
 * Answer: 2xx with `{"messageId":"…","parts"?:n}` → sent. 4xx → permanent, except 408 and 429
 * (transient); 5xx, network errors and timeouts → transient.
 *
 * The gateway contract requires honouring Idempotency-Key (the same key twice sends one SMS and
 * answers the same messageId), so supportsIdempotency is true. Delivery receipts come back
 * signed the same way on POST /api/v1/sms/receipts/http (receipts.routes.ts).
 */
export interface HttpGatewayOptions {
  url: string;
  secret: string;
  timeoutMs: number;
}

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type SignatureCheck = 'ok' | 'missing' | 'bad-signature' | 'stale';

/** Checks a signed webhook: signature over the raw body, timestamp within ±5 minutes of now. */
export function verifySignature(p: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  now: Date;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (!p.timestamp || !p.signature) return 'missing';
  if (!/^\d{1,12}$/.test(p.timestamp)) return 'bad-signature';
  const expected = Buffer.from(signPayload(p.secret, p.timestamp, p.body));
  const given = Buffer.from(p.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  const age = Math.abs(p.now.getTime() / 1000 - Number(p.timestamp));
  return age > (p.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS) ? 'stale' : 'ok';
}

export class HttpGatewayProvider implements SmsProvider {
  readonly name = 'http';
  readonly supportsIdempotency = true;

  constructor(
    readonly options: HttpGatewayOptions,
    private readonly deps: { logger: Logger; clock?: Clock; fetch?: typeof fetch },
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async send(sms: OutgoingSms): Promise<SmsSendResult> {
    const body = JSON.stringify({ to: sms.to, text: sms.text, idempotencyKey: sms.idempotencyKey, notificationId: sms.notificationId, urgent: sms.urgent });
    const timestamp = String(Math.floor((this.deps.clock ?? systemClock).now().getTime() / 1000));
    let res: Response;
    try {
      res = await (this.deps.fetch ?? fetch)(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-liandong-timestamp': timestamp,
          'x-liandong-signature': signPayload(this.options.secret, timestamp, body),
          'idempotency-key': sms.idempotencyKey,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const what = e.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : e.message;
      throw new SmsSendError(`SMS gateway unreachable: ${what}`, false);
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) {
      let answer: { messageId?: unknown; parts?: unknown } = {};
      try {
        answer = JSON.parse(text);
      } catch {
        // handled below: no messageId
      }
      if (typeof answer?.messageId !== 'string' && typeof answer?.messageId !== 'number') {
        // Accepted but unmatchable: resending is safe because the gateway honours Idempotency-Key.
        throw new SmsSendError(`SMS gateway answered ${res.status} without a messageId`, false);
      }
      const parts = typeof answer.parts === 'number' && answer.parts > 0 ? answer.parts : countParts(sms.text);
      return { providerMessageId: String(answer.messageId), parts };
    }
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    throw new SmsSendError(`SMS gateway answered ${res.status}: ${maskPersonalText(text.slice(0, 200))}`, permanent);
  }
}

/** Parts the text takes on a handset (the gateway may report its own count). */
export function countParts(text: string): number {
  try {
    return encodeSms(text, { ref: 0 }).parts.length;
  } catch {
    return 1;
  }
}
