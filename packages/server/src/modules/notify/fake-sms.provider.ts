import type { DeliveryReceipt, OutgoingSms, SmsProvider, SmsSendResult } from './notify.types.ts';
import { SmsSendError } from './notify.types.ts';
import { countSmsParts } from './sms-text.ts';

/** What the next sends do, consumed in order; 'ok' once the script runs out. */
export type FakeStep = 'ok' | 'transient' | 'permanent' | 'hang';

/**
 * A test double for SmsProvider: records every call, fails or hangs on script, and emits
 * receipts on demand. `supportsIdempotency` is chosen per test; when true, a repeated key
 * answers the first message id without counting as a second delivery.
 */
export class FakeSmsProvider implements SmsProvider {
  readonly name: string;
  readonly supportsIdempotency: boolean;
  /** Every send call, including failed and repeated ones. */
  readonly calls: OutgoingSms[] = [];
  /** Messages that would reach a phone (one per idempotency key when idempotent). */
  readonly delivered: Array<OutgoingSms & { providerMessageId: string }> = [];
  started = false;
  /** Runs at the start of every send (e.g. to move a fake clock as if the send took long). */
  beforeSend: ((sms: OutgoingSms) => void) | null = null;
  private script: FakeStep[] = [];
  private byKey = new Map<string, SmsSendResult>();
  private onReceipt: ((r: DeliveryReceipt) => void) | null = null;
  private seq = 0;
  private hanging: Array<() => void> = [];

  constructor(opts: { name?: string; supportsIdempotency?: boolean } = {}) {
    this.name = opts.name ?? 'fake';
    this.supportsIdempotency = opts.supportsIdempotency ?? false;
  }

  /** The next sends behave like this, in order. */
  willDo(...steps: FakeStep[]): this {
    this.script.push(...steps);
    return this;
  }

  async start(onReceipt: (r: DeliveryReceipt) => void): Promise<void> {
    this.onReceipt = onReceipt;
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const release of this.hanging.splice(0)) release();
  }

  async send(sms: OutgoingSms): Promise<SmsSendResult> {
    this.calls.push(sms);
    this.beforeSend?.(sms);
    const step = this.script.shift() ?? 'ok';
    if (step === 'transient') throw new SmsSendError('gateway unavailable (fake)', false);
    if (step === 'permanent') throw new SmsSendError('number rejected by the operator (fake)', true);
    if (step === 'hang') await new Promise<void>((resolve) => this.hanging.push(resolve));
    const known = this.supportsIdempotency ? this.byKey.get(sms.idempotencyKey) : undefined;
    if (known) return known;
    const result = { providerMessageId: `fake-${++this.seq}`, parts: countSmsParts(sms.text) };
    this.byKey.set(sms.idempotencyKey, result);
    this.delivered.push({ ...sms, providerMessageId: result.providerMessageId });
    return result;
  }

  receipt(providerMessageId: string, status: 'delivered' | 'failed', at: string): void {
    this.onReceipt?.({ providerMessageId, status, at, ...(status === 'failed' ? { error: 'UNDELIV' } : {}) });
  }
}
