import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation.ts';
import * as m0002 from './0002-notifications.ts';
import * as m0003 from './0003-calendars.ts';
import * as m0004 from './0004-process-engine.ts';
import * as m0005 from './0005-sms-only-indexes.ts';
import * as m0006 from './0006-one-main-process.ts';
import * as m0007 from './0007-linkage-vars.ts';

/** Every migration, in order. Names sort; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-notifications': m0002,
  '0003-calendars': m0003,
  '0004-process-engine': m0004,
  '0005-sms-only-indexes': m0005,
  '0006-one-main-process': m0006,
  '0007-linkage-vars': m0007,
};
