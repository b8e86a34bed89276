import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.ts';

/** Every migration, in order. Names sort; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
};
