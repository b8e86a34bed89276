import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors.ts';

/*
 * Plaza cursors are opaque and signed: a client can only hand back what we gave it, so a cursor
 * can't be forged to probe ids. Payload: the last id of the page (ids are UUIDv7, time-ordered).
 */
const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(`events-cursor:${payload}`).digest('base64url').slice(0, 22);

export function encodeCursor(secret: string, lastId: string): string {
  const payload = Buffer.from(JSON.stringify({ id: lastId }), 'utf8').toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** The last id of the previous page; throws INVALID_CURSOR for anything we did not sign. */
export function decodeCursor(secret: string, cursor: string): string {
  const [payload, mac, extra] = cursor.split('.');
  if (!payload || !mac || extra !== undefined) throw invalid();
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id?: unknown };
    if (typeof parsed.id !== 'string' || parsed.id.length === 0) throw invalid();
    return parsed.id;
  } catch {
    throw invalid();
  }
}

const invalid = () => new AppError('INVALID_CURSOR', 'The cursor is not valid: use nextCursor from a previous page');
