import { describe, expect, it } from 'vitest';
import { encodeSms, isPermanentStatus, parseReceiptText, receiptOutcome, userMessageReference } from './smpp-encoding.ts';

describe('encodeSms', () => {
  it('sends plain ASCII as data_coding 0 in the GSM 03.38 alphabet, one octet per character', () => {
    const { dataCoding, parts } = encodeSms('Gate_3 @ 14:05 [A]', { ref: 1 });
    expect(dataCoding).toBe(0);
    expect(parts).toHaveLength(1);
    // '_' is 0x11 and '@' is 0x00 in GSM 03.38; '[' and ']' are escaped (1B 3C, 1B 3E).
    expect(parts[0].toString('hex')).toBe('47617465113320002031343a3035201b3c411b3e');
  });

  it('can send data_coding 0 as plain IA5 octets for SMSCs that read it as ASCII', () => {
    const { parts } = encodeSms('Gate_3 @', { ref: 1, ascii: 'ia5' });
    expect(parts[0].toString('ascii')).toBe('Gate_3 @');
  });

  it('sends Chinese as UCS-2 big-endian (data_coding 8)', () => {
    const { dataCoding, parts } = encodeSms('【联动】请立即处理', { ref: 1 });
    expect(dataCoding).toBe(8);
    expect(parts.map((p) => p.toString('hex'))).toEqual(['3010805452a830118bf77acb537359047406']);
  });

  it('keeps 70 Chinese characters in one SMS and splits 71 into two parts of 67 + 4 with a concatenation UDH', () => {
    expect(encodeSms('联'.repeat(70), { ref: 9 }).parts).toHaveLength(1);
    const { parts } = encodeSms('联'.repeat(71), { ref: 9 });
    expect(parts.map((p) => p.subarray(0, 6).toString('hex'))).toEqual(['050003090201', '050003090202']);
    expect(parts.map((p) => (p.length - 6) / 2)).toEqual([67, 4]);
  });

  it('splits long ASCII into 153-septet parts without cutting an escaped character in two', () => {
    expect(encodeSms('a'.repeat(160), { ref: 1 }).parts).toHaveLength(1);
    const text = 'a'.repeat(152) + '[' + 'b'.repeat(10);
    const { parts } = encodeSms(text, { ref: 0x2a });
    expect(parts).toHaveLength(2);
    expect(parts[0].length - 6).toBe(152); // the escape pair moved whole to part 2
    expect(parts[1].subarray(0, 8).toString('hex')).toBe('0500032a02021b3c');
  });

  it('never splits an emoji (surrogate pair) across two parts', () => {
    const text = '联'.repeat(66) + '😀' + '联'.repeat(10);
    const { parts } = encodeSms(text, { ref: 1 });
    const decoded = parts.map((p) => Buffer.from(p.subarray(6)).swap16().toString('utf16le'));
    expect(decoded).toEqual(['联'.repeat(66), '😀' + '联'.repeat(10)]);
  });

  it('sends text with a backtick as UCS-2 (no GSM form)', () => {
    expect(encodeSms('a`b', { ref: 1 }).dataCoding).toBe(8);
  });
});

describe('receipts and statuses', () => {
  it('parses the standard receipt text', () => {
    const r = parseReceiptText('id:0123456789 sub:001 dlvrd:001 submit date:2611281005 done date:2611281006 stat:DELIVRD err:000 text:Hello');
    expect(r).toEqual({ id: '0123456789', stat: 'DELIVRD', err: '000', submitDate: '2611281005', doneDate: '2611281006' });
    expect(parseReceiptText('ID:ab12 Stat:undeliv Err:012').stat).toBe('UNDELIV');
  });

  it('maps final states and ignores intermediate ones', () => {
    expect(receiptOutcome('DELIVRD')).toBe('delivered');
    expect(['EXPIRED', 'DELETED', 'UNDELIV', 'REJECTD', 'UNKNOWN'].map(receiptOutcome)).toEqual(Array(5).fill('failed'));
    expect(receiptOutcome('ENROUTE')).toBeNull();
    expect(receiptOutcome('ACCEPTD')).toBeNull();
  });

  it('treats a bad number or length as permanent and throttling or a full queue as transient', () => {
    expect(isPermanentStatus(0x0b)).toBe(true);
    expect(isPermanentStatus(0x01)).toBe(true);
    expect(isPermanentStatus(0x58)).toBe(false);
    expect(isPermanentStatus(0x14)).toBe(false);
    expect(isPermanentStatus(0x08)).toBe(false);
  });

  it('derives a stable 16-bit user_message_reference from the idempotency key', () => {
    const a = userMessageReference('event:1:notify');
    expect(a).toBe(userMessageReference('event:1:notify'));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(65536);
    expect(a).not.toBe(userMessageReference('event:2:notify'));
  });
});
