import type { Clock } from '../../../lib/clock.ts';
import type { Ids } from '../../../lib/ids.ts';
import type { DeliveryReceipt, OutgoingSms, SmsProvider, SmsSendResult } from '../notify.types.ts';
import { countSmsParts } from '../sms-text.ts';

/**
 * The development provider (LIANDONG_SMS=inbox, the default): nothing leaves the machine. The
 * outbox row itself is the message a phone would show (GET /api/v1/sms-messages); each send is
 * acknowledged with an id and reported delivered at once. A resend with the same idempotency
 * key answers the first id: the inbox never shows a message twice.
 */
export function createInboxProvider(deps: {
  ids: Ids;
  clock: Clock;
}): SmsProvider & { readonly sent: ReadonlyArray<OutgoingSms & { providerMessageId: string }> } {
  const byKey = new Map<string, SmsSendResult>();
  const sent: Array<OutgoingSms & { providerMessageId: string }> = [];
  let onReceipt: ((r: DeliveryReceipt) => void) | null = null;
  return {
    name: 'inbox',
    supportsIdempotency: true,
    sent,
    async start(receipts) {
      onReceipt = receipts;
    },
    async send(sms) {
      const known = byKey.get(sms.idempotencyKey);
      if (known) return known;
      const result = { providerMessageId: `inbox-${deps.ids.id()}`, parts: countSmsParts(sms.text) };
      byKey.set(sms.idempotencyKey, result);
      sent.push({ ...sms, providerMessageId: result.providerMessageId });
      // Reported after the send answers, as an operator would.
      const receipt: DeliveryReceipt = { providerMessageId: result.providerMessageId, status: 'delivered', at: deps.clock.now().toISOString() };
      setImmediate(() => onReceipt?.(receipt));
      return result;
    },
    async stop() {
      onReceipt = null;
    },
  };
}
