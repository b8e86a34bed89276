import { createHash } from 'node:crypto';

/**
 * The bytes of an SMS over SMPP 3.4: alphabet choice, concatenation with a UDH, delivery receipt
 * parsing and the command_status classification. Pure functions, so every byte is unit-tested.
 */

/** data_coding 0: the SMSC default alphabet (GSM 03.38, one septet per octet, unpacked). */
export const DATA_CODING_DEFAULT = 0x00;
/** data_coding 8: UCS-2 (UTF-16 big-endian), what Chinese text needs. */
export const DATA_CODING_UCS2 = 0x08;
/** esm_class bit 6: short_message starts with a User Data Header. */
export const ESM_CLASS_UDHI = 0x40;

/** Single-SMS and per-part capacities (the 6-octet UDH takes 7 septets or 3 UCS-2 characters). */
const GSM_SINGLE = 160;
const GSM_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;
const MAX_PARTS = 255;

/** How data_coding 0 is written: GSM 03.38 (the SMPP default) or plain IA5/ASCII octets (some SMSCs). */
export type AsciiAlphabet = 'gsm' | 'ia5';

// GSM 03.38 basic table positions of the printable ASCII characters it holds; `[`, `]`, `{`, `}`,
// `\`, `^`, `~`, `|` are in the extension table (ESC + code); the backtick has no GSM form.
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION: Record<string, number> = { '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2f, '[': 0x3c, '~': 0x3d, ']': 0x3e, '|': 0x40 };
const GSM_CODE = new Map<string, number>([...GSM_BASIC].map((c, i) => [c, i]));

/** Plain ASCII text goes as data_coding 0; anything else (Chinese, emoji, the backtick) as UCS-2. */
export function isPlainAscii(text: string): boolean {
  return /^[\n\r\x20-\x5f\x61-\x7e]*$/.test(text);
}

/** One character → its GSM septets (1, or 2 with the escape). Only called on plain ASCII. */
function gsmSeptets(ch: string): number[] {
  const ext = GSM_EXTENSION[ch];
  if (ext !== undefined) return [0x1b, ext];
  return [GSM_CODE.get(ch) ?? 0x20];
}

export interface EncodedSms {
  dataCoding: number;
  /** Each part's short_message, UDH included when there is more than one part. */
  parts: Buffer[];
}

/**
 * Encodes and, when needed, splits a text. `ref` is the concatenation reference shared by all
 * parts of one message (8-bit reference IE 0x00: `05 00 03 ref total seq`).
 */
export function encodeSms(text: string, opts: { ref: number; ascii?: AsciiAlphabet }): EncodedSms {
  if (isPlainAscii(text)) {
    // Units are septets for GSM (an escaped character is two and must not be split), octets for IA5.
    const units: number[][] = opts.ascii === 'ia5' ? [...text].map((c) => [c.charCodeAt(0)]) : [...text].map(gsmSeptets);
    const total = units.reduce((n, u) => n + u.length, 0);
    const chunks = total <= GSM_SINGLE ? [units] : chunk(units, GSM_PART);
    return {
      dataCoding: DATA_CODING_DEFAULT,
      parts: withUdh(
        chunks.map((c) => Buffer.from(c.flat())),
        opts.ref,
      ),
    };
  }
  // Cut on code points so that a surrogate pair (emoji) is never split across parts.
  const parts: Buffer[] = [];
  if (text.length <= UCS2_SINGLE) parts.push(utf16be(text));
  else {
    let current = '';
    for (const ch of text) {
      if (current.length + ch.length > UCS2_PART) {
        parts.push(utf16be(current));
        current = '';
      }
      current += ch;
    }
    if (current) parts.push(utf16be(current));
  }
  return { dataCoding: DATA_CODING_UCS2, parts: withUdh(parts, opts.ref) };
}

/** Greedy split of units (each an array of code units) into chunks of at most `max` code units. */
function chunk<T>(units: T[][], max: number): T[][][] {
  const chunks: T[][][] = [];
  let current: T[][] = [];
  let size = 0;
  for (const u of units) {
    if (size + u.length > max) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(u);
    size += u.length;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

function withUdh(parts: Buffer[], ref: number): Buffer[] {
  if (parts.length <= 1) return parts;
  if (parts.length > MAX_PARTS) throw new RangeError(`text needs ${parts.length} SMS parts; at most ${MAX_PARTS}`);
  return parts.map((p, i) => Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref & 0xff, parts.length, i + 1]), p]));
}

export function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return le.swap16();
}

/** The 16-bit user_message_reference (TLV 0x0204) derived from an idempotency key. */
export function userMessageReference(idempotencyKey: string): number {
  return createHash('sha256').update(idempotencyKey).digest().readUInt16BE(0);
}

export interface ParsedReceipt {
  id: string | null;
  stat: string | null;
  err: string | null;
  submitDate: string | null;
  doneDate: string | null;
}

/**
 * Parses the de-facto standard receipt text (SMPP 3.4 Appendix B):
 * `id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…`.
 * Field order and case vary between SMSCs, so each field is found on its own.
 */
export function parseReceiptText(text: string): ParsedReceipt {
  const field = (re: RegExp) => re.exec(text)?.[1] ?? null;
  return {
    id: field(/\bid:(\S+)/i),
    stat: field(/\bstat:(\w+)/i)?.toUpperCase() ?? null,
    err: field(/\berr:(\w+)/i),
    submitDate: field(/\bsubmit date:(\d+)/i),
    doneDate: field(/\bdone date:(\d+)/i),
  };
}

/** message_state TLV (0x0427) values → the receipt text's stat word. */
const MESSAGE_STATES: Record<number, string> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};
export function statOfMessageState(state: number): string | null {
  return MESSAGE_STATES[state] ?? null;
}

/** Final states only: ENROUTE and ACCEPTD are intermediate and produce no receipt. */
export function receiptOutcome(stat: string): 'delivered' | 'failed' | null {
  if (stat === 'DELIVRD') return 'delivered';
  if (stat === 'EXPIRED' || stat === 'DELETED' || stat === 'UNDELIV' || stat === 'REJECTD' || stat === 'UNKNOWN') return 'failed';
  return null;
}

/**
 * command_status values that condemn the message itself (bad number, bad length, rejected
 * content): retrying cannot help. Everything else — throttling, full queues, system errors,
 * bind and source-address problems an operator can fix — is transient.
 */
const PERMANENT_STATUSES = new Set([
  0x01, // ESME_RINVMSGLEN
  0x0b, // ESME_RINVDSTADR
  0x50, // ESME_RINVDSTTON
  0x51, // ESME_RINVDSTNPI
  0x65, // ESME_RX_P_APPN: permanent application error
  0x66, // ESME_RX_R_APPN: rejected by the application
]);
export function isPermanentStatus(status: number): boolean {
  return PERMANENT_STATUSES.has(status);
}

const STATUS_NAMES: Record<number, string> = {
  0x01: 'ESME_RINVMSGLEN',
  0x04: 'ESME_RINVBNDSTS',
  0x08: 'ESME_RSYSERR',
  0x0a: 'ESME_RINVSRCADR',
  0x0b: 'ESME_RINVDSTADR',
  0x0d: 'ESME_RBINDFAIL',
  0x0e: 'ESME_RINVPASWD',
  0x0f: 'ESME_RINVSYSID',
  0x14: 'ESME_RMSGQFUL',
  0x45: 'ESME_RSUBMITFAIL',
  0x50: 'ESME_RINVDSTTON',
  0x51: 'ESME_RINVDSTNPI',
  0x58: 'ESME_RTHROTTLED',
  0x64: 'ESME_RX_T_APPN',
  0x65: 'ESME_RX_P_APPN',
  0x66: 'ESME_RX_R_APPN',
};
export function describeStatus(status: number): string {
  const hex = `0x${status.toString(16).padStart(8, '0')}`;
  return STATUS_NAMES[status] ? `${STATUS_NAMES[status]} (${hex})` : hex;
}
