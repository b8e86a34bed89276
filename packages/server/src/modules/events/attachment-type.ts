import type { AttachmentKind } from '@liandong/contracts';

/*
 * File types are decided by their first bytes, never by the client's name or Content-Type:
 * an upload is served back to other users, so it must be what it claims to be.
 */
const startsWith = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function imageMime(b: Buffer): string | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

function isoBmffBrand(b: Buffer): string | null {
  return startsWith(b, ascii('ftyp'), 4) && b.length >= 12 ? b.subarray(8, 12).toString('latin1') : null;
}

function videoMime(b: Buffer): string | null {
  const brand = isoBmffBrand(b);
  if (brand) return brand.startsWith('qt') ? 'video/quicktime' : 'video/mp4';
  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  return null;
}

function audioMime(b: Buffer): string | null {
  if (startsWith(b, ascii('ID3')) || (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WAVE'), 8)) return 'audio/wav';
  if (startsWith(b, ascii('OggS'))) return 'audio/ogg';
  if (startsWith(b, ascii('#!AMR'))) return 'audio/amr';
  const brand = isoBmffBrand(b);
  if (brand) return 'audio/mp4';
  return null;
}

function documentMime(b: Buffer): string | null {
  if (startsWith(b, ascii('%PDF-'))) return 'application/pdf';
  // Office Open XML (docx, xlsx) are zip files.
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  return imageMime(b);
}

/** The MIME type of `bytes` if they are a file of the attachment kind, else null. */
export function detectAttachmentMime(kind: AttachmentKind, bytes: Buffer): string | null {
  switch (kind) {
    case 'photo':
      return imageMime(bytes);
    case 'video':
      return videoMime(bytes);
    case 'audio':
      return audioMime(bytes);
    case 'document':
      return documentMime(bytes);
  }
}
