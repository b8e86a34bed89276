import { describe, expect, it } from 'vitest';
import { formatEventCode, shanghaiDay } from './event-code.ts';
import { boundingBox, haversineM } from './geo.ts';
import { detectAttachmentMime } from './attachment-type.ts';

describe('event codes', () => {
  it('use the Asia/Shanghai calendar day', () => {
    expect(shanghaiDay(new Date('2026-11-28T15:59:59.999Z'))).toBe('20261128');
    expect(shanghaiDay(new Date('2026-11-28T16:00:00.000Z'))).toBe('20261129');
    expect(shanghaiDay(new Date('2026-12-31T16:00:00.000Z'))).toBe('20270101');
  });
  it('pad the daily sequence to five digits', () => {
    expect(formatEventCode('20261128', 42)).toBe('2026112800042');
  });
});

describe('geo', () => {
  it('measures distances in metres', () => {
    expect(haversineM({ lng: 122, lat: 30 }, { lng: 122, lat: 30.001 })).toBeCloseTo(111.2, 0);
    expect(haversineM({ lng: 122, lat: 30 }, { lng: 122.001, lat: 30 })).toBeCloseTo(96.3, 0);
  });
  it('builds a box that contains the whole radius', () => {
    const c = { lng: 122.05, lat: 30.05 };
    const box = boundingBox(c, 200);
    for (const bearing of [0, 45, 90, 135, 180, 225, 270, 315]) {
      const rad = (bearing * Math.PI) / 180;
      const p = { lng: c.lng + (199 * Math.sin(rad)) / (111_195 * Math.cos((c.lat * Math.PI) / 180)), lat: c.lat + (199 * Math.cos(rad)) / 111_195 };
      expect(p.lng >= box.minLng && p.lng <= box.maxLng && p.lat >= box.minLat && p.lat <= box.maxLat).toBe(true);
    }
  });
});

describe('attachment types by magic bytes', () => {
  const b = (...x: Array<number | string>) => Buffer.concat(x.map((v) => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from([v]))));
  it('recognises images for photos and nothing else', () => {
    expect(detectAttachmentMime('photo', b(0xff, 0xd8, 0xff, 0xe1))).toBe('image/jpeg');
    expect(detectAttachmentMime('photo', b('GIF89a', 0))).toBe('image/gif');
    expect(detectAttachmentMime('photo', b('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('image/webp');
    expect(detectAttachmentMime('photo', b('RIFF', 0, 0, 0, 0, 'WAVEfmt '))).toBeNull();
    expect(detectAttachmentMime('photo', b('%PDF-1.7'))).toBeNull();
  });
  it('recognises common video, audio and document formats', () => {
    expect(detectAttachmentMime('video', b(0, 0, 0, 0x18, 'ftypmp42'))).toBe('video/mp4');
    expect(detectAttachmentMime('audio', b('ID3', 4, 0))).toBe('audio/mpeg');
    expect(detectAttachmentMime('document', b('%PDF-1.7'))).toBe('application/pdf');
    expect(detectAttachmentMime('video', b('hello world'))).toBeNull();
  });
});
