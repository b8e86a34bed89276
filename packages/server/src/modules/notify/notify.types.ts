/**
 * The notification contracts shared by the outbox, the dispatcher, the SMS providers and the
 * modules that notify (events, and later the process engine).
 */

// The engine notifies too, and may not import modules/: the request's shape is the engine's (engine/host.ts).
export type { Locale, NotificationChannel, NotificationRequest } from '../../engine/host.ts';

/** One SMS handed to a provider. `to` is a normalised 11-digit mainland number. */
export interface OutgoingSms {
  notificationId: string;
  to: string;
  text: string;
  idempotencyKey: string;
  urgent: boolean;
}

export interface SmsSendResult {
  /** The provider's id of the message (of its first part when split), matched by receipts. */
  providerMessageId: string;
  /** How many SMS parts the text needed. */
  parts: number;
}

/** A send that failed. Permanent failures (bad number, rejected content) are never retried. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

export interface DeliveryReceipt {
  providerMessageId: string;
  status: 'delivered' | 'failed';
  /** ISO UTC. */
  at: string;
  error?: string;
}

/**
 * An SMS channel: the development inbox, SMPP 3.4, or an HTTP gateway. One adapter per vendor,
 * each with a test asserting the exact bytes or fields it sends.
 */
export interface SmsProvider {
  /** 'inbox' | 'smpp' | 'http' | 'aliyun' — recorded on each notification and attempt. */
  readonly name: string;
  /** True when resending with the same idempotency key cannot produce a second SMS. */
  readonly supportsIdempotency: boolean;
  /** Connects (binds, for SMPP) and starts reporting delivery receipts. */
  start(onReceipt: (r: DeliveryReceipt) => void): Promise<void>;
  send(sms: OutgoingSms): Promise<SmsSendResult>;
  stop(): Promise<void>;
}
