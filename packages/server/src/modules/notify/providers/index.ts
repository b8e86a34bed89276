import { systemClock, type Clock } from '../../../lib/clock.ts';
import { defaultIds, type Ids } from '../../../lib/ids.ts';
import type { Logger } from '../../../lib/logger.ts';
import type { SmsProvider } from '../notify.types.ts';
import { AliyunSmsProvider, parseAliyunUrl } from './aliyun.provider.ts';
import { HttpGatewayProvider } from './http-gateway.provider.ts';
import { createInboxProvider } from './inbox.provider.ts';
import { parseSmppUrl, SmppProvider } from './smpp.provider.ts';

export { AliyunSmsProvider, parseAliyunUrl } from './aliyun.provider.ts';
export { HttpGatewayProvider, signPayload, verifySignature } from './http-gateway.provider.ts';
export { parseSmppUrl, SmppProvider } from './smpp.provider.ts';

export interface SmsProviderOptions {
  logger: Logger;
  clock?: Clock;
  ids?: Ids;
  /** The HTTP gateway's HMAC key (config `sms.secret`, LIANDONG_SMS_SECRET). */
  secret?: string;
  /** HTTP request timeout of the gateway providers (default 10 s). */
  httpTimeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * The SMS provider for a configured URL (LIANDONG_SMS):
 *
 * - `inbox` — development: nothing leaves the machine;
 * - `smpp://system_id:password@host:port?bind=transceiver|transmitter&source=10690000&window=10
 *   &throughput=0&enquireLinkMs=30000&timeoutMs=10000&reconnectMs=1000&reconnectMaxMs=60000
 *   &dedupeByReference=0&ascii=gsm|ia5&international=0&sourceTon=0&sourceNpi=0&systemType=` — SMPP 3.4;
 * - `https://…` or `http://…` — the JSON webhook gateway, signed with LIANDONG_SMS_SECRET (required);
 * - `aliyun://AccessKeyId:AccessKeySecret@dysmsapi.aliyuncs.com?sign=<SignName>&template=<TemplateCode>
 *   &param=content&region=cn-hangzhou` — Aliyun Dysms SendSms.
 *
 * A malformed URL throws an Error whose message says what is wrong (shown at start-up).
 */
export function createSmsProvider(url: string, opts: SmsProviderOptions): SmsProvider {
  const clock = opts.clock ?? systemClock;
  const trimmed = url.trim();
  if (trimmed === 'inbox') return createInboxProvider({ ids: opts.ids ?? defaultIds, clock });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'smpp':
      return new SmppProvider(parseSmppUrl(trimmed), { logger: opts.logger, clock });
    case 'http':
    case 'https': {
      if (!opts.secret) throw new Error('an HTTP SMS gateway needs its HMAC secret: set LIANDONG_SMS_SECRET (16 characters or more)');
      new URL(trimmed); // throws "Invalid URL" for a malformed one
      return new HttpGatewayProvider(
        { url: trimmed, secret: opts.secret, timeoutMs: opts.httpTimeoutMs ?? 10_000 },
        { logger: opts.logger, clock, fetch: opts.fetch },
      );
    }
    case 'aliyun':
      return new AliyunSmsProvider(parseAliyunUrl(trimmed), { logger: opts.logger, clock, fetch: opts.fetch });
    default:
      throw new Error(`unknown SMS provider "${trimmed.replace(/\/\/[^@/]*@/, '//***@')}": use inbox, smpp://…, https://… or aliyun://…`);
  }
}
