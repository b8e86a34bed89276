import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock.ts';
import { createLogger } from '../../../lib/logger.ts';
import { HttpSmsStub } from '../../../testing/http-sms-stub.ts';
import { SmsSendError, type OutgoingSms } from '../notify.types.ts';
import { AliyunSmsProvider, canonicalQuery, parseAliyunUrl, signRpc, stringToSign } from './aliyun.provider.ts';

const logger = createLogger({ level: 'silent' });
let stub: HttpSmsStub | null = null;
afterEach(async () => {
  await stub?.stop();
  stub = null;
});

const sms: OutgoingSms = { notificationId: 'n1', to: '13800138000', text: '请到东门', idempotencyKey: 'k-1', urgent: true };

async function setup() {
  stub = await HttpSmsStub.start();
  const provider = new AliyunSmsProvider(
    parseAliyunUrl(`aliyun://testId:testSecret@${stub.host}?sign=${encodeURIComponent('联动')}&template=SMS_123&scheme=http`),
    { logger, clock: new FakeClock('2026-11-28T02:00:00.123Z'), nonce: () => 'nonce-0001' },
  );
  return { stub, provider };
}

describe('Aliyun Dysms provider', () => {
  it('signs like the published Dysms example (GET form)', () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(signRpc('testSecret', params, 'GET')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('posts the exact canonical parameters with the signature over them', async () => {
    const { stub, provider } = await setup();
    stub.respond = () => ({ status: 200, body: { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'r1' } });
    const result = await provider.send(sms);
    expect(result).toEqual({ providerMessageId: '900619746936498440^0', parts: 1 });

    const canonical =
      'AccessKeyId=testId&Action=SendSms&Format=JSON&OutId=k-1&PhoneNumbers=13800138000&RegionId=cn-hangzhou' +
      '&SignName=%E8%81%94%E5%8A%A8&SignatureMethod=HMAC-SHA1&SignatureNonce=nonce-0001&SignatureVersion=1.0' +
      '&TemplateCode=SMS_123&TemplateParam=%7B%22content%22%3A%22%E8%AF%B7%E5%88%B0%E4%B8%9C%E9%97%A8%22%7D' +
      '&Timestamp=2026-11-28T02%3A00%3A00Z&Version=2017-05-25';
    const toSign = `POST&%2F&${encodeURIComponent(canonical)}`;
    const signature = createHmac('sha1', 'testSecret&').update(toSign).digest('base64');

    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.body).toBe(`Signature=${encodeURIComponent(signature)}&${canonical}`);
    const { Signature, ...signed } = Object.fromEntries(new URLSearchParams(req.body));
    expect(canonicalQuery(signed)).toBe(canonical);
    expect(stringToSign(signed)).toBe(toSign);
    expect(Signature).toBe(signature);
  });

  it('percent-encodes as the RPC rules want: space %20, * %2A, ~ kept', () => {
    expect(canonicalQuery({ a: 'x y*z~(1)!' })).toBe('a=x%20y%2Az~%281%29%21');
  });

  it('maps error codes: an illegal number is permanent, throttling and system errors transient', async () => {
    const { stub, provider } = await setup();
    const codes = ['isv.MOBILE_NUMBER_ILLEGAL', 'isv.BUSINESS_LIMIT_CONTROL', 'Throttling.User', 'isp.SYSTEM_ERROR'];
    stub.respond = (_r, i) => ({ status: i === 3 ? 500 : 200, body: { Code: codes[i], Message: 'm' } });
    const outcomes = [];
    for (const _ of codes) {
      const err = await provider.send(sms).catch((e) => e);
      expect(err).toBeInstanceOf(SmsSendError);
      outcomes.push([err.message.split(':')[1].trim(), err.permanent]);
    }
    expect(outcomes).toEqual([
      ['isv.MOBILE_NUMBER_ILLEGAL', true],
      ['isv.BUSINESS_LIMIT_CONTROL', false],
      ['Throttling.User', false],
      ['isp.SYSTEM_ERROR', false],
    ]);
    expect(provider.supportsIdempotency).toBe(false);
  });

  it('needs a sign name and a template code in the URL', () => {
    expect(() => parseAliyunUrl('aliyun://id:secret@dysmsapi.aliyuncs.com?sign=x')).toThrow(/template/);
    expect(parseAliyunUrl('aliyun://id:secret@dysmsapi.aliyuncs.com?sign=x&template=SMS_1').endpoint).toBe('https://dysmsapi.aliyuncs.com/');
  });
});
