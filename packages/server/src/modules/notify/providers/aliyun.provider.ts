import { createHmac, randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../../lib/clock.ts';
import { maskPersonalText, type Logger } from '../../../lib/logger.ts';
import { SmsSendError, type OutgoingSms, type SmsProvider, type SmsSendResult } from '../notify.types.ts';
import { countParts } from './http-gateway.provider.ts';

/**
 * Aliyun Dysms `SendSms` (RPC style, signature version 1.0): a form POST of the common
 * parameters plus PhoneNumbers, SignName, TemplateCode, TemplateParam and OutId, signed with
 * HMAC-SHA1 over `POST&%2F&` + percentEncode(sorted canonical query).
 *
 * Our texts are rendered by our own templates, so the Aliyun template must be one variable
 * (e.g. `${content}`) and TemplateParam is `{"<param>": text}`. OutId carries the idempotency key
 * for the record; Dysms does not deduplicate on it, so supportsIdempotency is false. Delivery
 * reports (SmsReport via MNS or HTTP push) are not consumed: these SMS stay 'sent'.
 */
export interface AliyunOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** `https://dysmsapi.aliyuncs.com/` unless `?scheme=http` (tests) or another host. */
  endpoint: string;
  regionId: string;
  signName: string;
  templateCode: string;
  /** The template variable that receives the text. */
  templateParam: string;
  timeoutMs: number;
}

/** `aliyun://AccessKeyId:AccessKeySecret@dysmsapi.aliyuncs.com?sign=联动&template=SMS_123&param=content&region=cn-hangzhou&timeoutMs=10000&scheme=https`. */
export function parseAliyunUrl(url: string): AliyunOptions {
  const u = new URL(url);
  if (u.protocol !== 'aliyun:') throw new Error(`not an aliyun:// URL: ${u.protocol}`);
  const q = u.searchParams;
  const sign = q.get('sign');
  const template = q.get('template');
  if (!u.username || !u.password) throw new Error('aliyun:// URL needs AccessKeyId:AccessKeySecret@host');
  if (!sign || !template) throw new Error('aliyun:// URL needs ?sign=<SignName>&template=<TemplateCode>');
  const scheme = q.get('scheme') ?? 'https';
  if (scheme !== 'https' && scheme !== 'http') throw new Error(`aliyun:// option scheme must be https or http, got "${scheme}"`);
  const timeoutMs = Number(q.get('timeoutMs') ?? 10_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 10) throw new Error('aliyun:// option timeoutMs must be an integer ≥ 10');
  return {
    accessKeyId: decodeURIComponent(u.username),
    accessKeySecret: decodeURIComponent(u.password),
    endpoint: `${scheme}://${u.host || 'dysmsapi.aliyuncs.com'}/`,
    regionId: q.get('region') ?? 'cn-hangzhou',
    signName: sign,
    templateCode: template,
    templateParam: q.get('param') ?? 'content',
    timeoutMs,
  };
}

/** RFC 3986 encoding as the Aliyun RPC signature wants it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join('&');
}

export function stringToSign(params: Record<string, string>, method: 'POST' | 'GET' = 'POST'): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

export function signRpc(accessKeySecret: string, params: Record<string, string>, method: 'POST' | 'GET' = 'POST'): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(params, method)).digest('base64');
}

/** Codes that condemn the message itself; anything else (throttling, quota, system, credentials) is transient. */
const PERMANENT_CODES = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.MOBILE_COUNT_OVER_LIMIT',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.TEMPLATE_PARAMS_ILLEGAL',
  'isv.INVALID_JSON_PARAM',
  'isv.INVALID_PARAMETERS',
  'isv.PARAM_LENGTH_LIMIT',
  'isv.PARAM_NOT_SUPPORT_URL',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.DENY_IP_RANGE',
]);

export function isPermanentAliyunCode(code: string): boolean {
  return PERMANENT_CODES.has(code);
}

export class AliyunSmsProvider implements SmsProvider {
  readonly name = 'aliyun';
  readonly supportsIdempotency = false;

  constructor(
    readonly options: AliyunOptions,
    private readonly deps: { logger: Logger; clock?: Clock; fetch?: typeof fetch; nonce?: () => string },
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** The signed parameters of one SendSms call (exported shape for the tests). */
  buildParams(sms: OutgoingSms): Record<string, string> {
    const o = this.options;
    const params: Record<string, string> = {
      AccessKeyId: o.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: sms.idempotencyKey,
      PhoneNumbers: sms.to,
      RegionId: o.regionId,
      SignName: o.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: (this.deps.nonce ?? randomUUID)(),
      SignatureVersion: '1.0',
      TemplateCode: o.templateCode,
      TemplateParam: JSON.stringify({ [o.templateParam]: sms.text }),
      Timestamp: (this.deps.clock ?? systemClock)
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
    };
    return { ...params, Signature: signRpc(o.accessKeySecret, params) };
  }

  async send(sms: OutgoingSms): Promise<SmsSendResult> {
    const { Signature, ...signed } = this.buildParams(sms);
    let res: Response;
    try {
      res = await (this.deps.fetch ?? fetch)(this.options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        // The signature first, then exactly the string that was signed.
        body: `Signature=${percentEncode(Signature)}&${canonicalQuery(signed)}`,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      throw new SmsSendError(`Aliyun SMS unreachable: ${e.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : e.message}`, false);
    }
    const text = await res.text().catch(() => '');
    let answer: { Code?: string; Message?: string; BizId?: string } = {};
    try {
      answer = JSON.parse(text);
    } catch {
      // not JSON: classified by status below
    }
    if (answer.Code === 'OK' && answer.BizId) return { providerMessageId: answer.BizId, parts: countParts(sms.text) };
    const code = answer.Code ?? `HTTP ${res.status}`;
    const detail = maskPersonalText((answer.Message ?? text).slice(0, 200));
    throw new SmsSendError(`Aliyun SendSms failed: ${code}: ${detail}`, isPermanentAliyunCode(code));
  }
}
