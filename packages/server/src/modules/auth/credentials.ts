import { createHash } from 'node:crypto';

/** Session tokens and API keys are stored only as this hash: a database leak yields no credential. */
export function hashCredential(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export const API_KEY_PREFIX = 'ldk_';
/** Characters of a key kept in clear so people can tell their keys apart. */
export const API_KEY_VISIBLE_CHARS = API_KEY_PREFIX.length + 6;
