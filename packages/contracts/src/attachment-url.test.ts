import { describe, expect, it } from 'vitest';
import { ATTACHMENT_URL_MAX_LENGTH, externalAttachmentUrl } from './attachment-url.ts';
import { AttachmentRef } from './events.ts';

/** Every form that once slipped through (issue 11.2), and the neighbours of the accepted one. */
const REFUSED_ATTACHMENT_URLS = [
  'HTTP://attacker.example/x.jpg',
  'http://attacker.example/x.jpg',
  'javascript:alert(document.cookie)',
  'file:///etc/passwd',
  'data:image/png;base64,iVBORw0KGgo=',
  'http:/\\attacker.example/x.jpg',
  '//attacker.example/x.jpg',
  '/api/v1/attachments/x',
  'ftp://attacker.example/x.jpg',
  'https://user:secret@cdn.example.com/x.jpg',
  'https://:secret@cdn.example.com/x.jpg',
  'https://',
  `https://cdn.example.com/${'a'.repeat(ATTACHMENT_URL_MAX_LENGTH)}`,
  '',
];

describe('external attachment URLs', () => {
  it.each(REFUSED_ATTACHMENT_URLS)('refuses %j', (raw) => {
    expect(externalAttachmentUrl(raw)).toBeNull();
    expect(AttachmentRef.safeParse({ url: raw, kind: 'photo' }).success).toBe(false);
  });

  it('accepts https: URLs in their parsed form', () => {
    expect(externalAttachmentUrl('https://cdn.example.com/snap/1.jpg')).toBe('https://cdn.example.com/snap/1.jpg');
    expect(externalAttachmentUrl('HTTPS://CDN.Example.com/snap 1.jpg')).toBe('https://cdn.example.com/snap%201.jpg');
    // What the browser would make of it is what is stored: the host is evil.example, openly.
    expect(externalAttachmentUrl('https:/\\evil.example/x')).toBe('https://evil.example/x');
  });

  it('names its own error code, so the server answers 422 ATTACHMENT_URL_INVALID', () => {
    const r = AttachmentRef.safeParse({ url: 'HTTP://attacker.example/x.jpg', kind: 'photo' });
    expect(r.error?.issues).toEqual([expect.objectContaining({ path: ['url'], params: { errorCode: 'ATTACHMENT_URL_INVALID' } })]);
    expect(AttachmentRef.safeParse({ dataId: 'd1', kind: 'photo' }).success).toBe(true);
  });
});
