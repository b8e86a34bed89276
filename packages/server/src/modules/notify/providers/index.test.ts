import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.ts';
import { AliyunSmsProvider, createSmsProvider, HttpGatewayProvider, SmppProvider } from './index.ts';

const logger = createLogger({ level: 'silent' });

describe('createSmsProvider', () => {
  it('picks the provider from the URL', () => {
    expect(createSmsProvider('inbox', { logger }).name).toBe('inbox');
    const smpp = createSmsProvider('smpp://id:pw@127.0.0.1:2775?bind=transmitter&source=10690000&window=20&throughput=100', { logger });
    expect(smpp).toBeInstanceOf(SmppProvider);
    expect((smpp as SmppProvider).options).toMatchObject({
      systemId: 'id',
      password: 'pw',
      bind: 'transmitter',
      source: '10690000',
      window: 20,
      throughput: 100,
    });
    expect(smpp.supportsIdempotency).toBe(false);
    expect(createSmsProvider('https://sms.example.cn/send', { logger, secret: 'x'.repeat(16) })).toBeInstanceOf(HttpGatewayProvider);
    expect(createSmsProvider('aliyun://id:secret@dysmsapi.aliyuncs.com?sign=x&template=SMS_1', { logger })).toBeInstanceOf(AliyunSmsProvider);
  });

  it('refuses what it cannot use, with a readable reason and without echoing credentials', () => {
    expect(() => createSmsProvider('https://sms.example.cn/send', { logger })).toThrow(/LIANDONG_SMS_SECRET/);
    expect(() => createSmsProvider('ftp://user:pw@host', { logger })).toThrow(/unknown SMS provider "ftp:\/\/\*\*\*@host"/);
    expect(() => createSmsProvider('smpp://id:pw@host?bind=receiver', { logger })).toThrow(/bind/);
  });
});
