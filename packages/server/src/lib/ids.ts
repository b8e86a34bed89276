import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';

/** Id and token generation behind an interface: UUIDv7 ids sort by creation time on both engines. */
export interface Ids {
  id(): string;
  /** An unguessable URL-safe token (tracking links, sessions, API keys). */
  token(bytes?: number): string;
}

export const defaultIds: Ids = {
  id: () => uuidv7(),
  token: (bytes = 24) => randomBytes(bytes).toString('base64url'),
};
