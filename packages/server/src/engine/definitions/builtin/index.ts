import type { ProcessDefinitionInput } from '@liandong/contracts';
import { AI_ALARM_PROCESS } from './ai-alarm.process.ts';
import { CARE_INACTIVITY_PROCESS } from './care-inactivity.process.ts';
import { COLLABORATION_PROCESS } from './collaboration.process.ts';
import { DEPUTY_CONCERN_PROCESS } from './deputy-concern.process.ts';
import { PARKING_PROCESS } from './parking.process.ts';
import { SELF_HANDLED_PROCESS } from './self-handled.process.ts';
import { STANDARD_PROCESS } from './standard.process.ts';

/** The processes seeded on a new installation, by key (categories name them by key). */
export const BUILTIN_DEFINITIONS: Readonly<Record<string, ProcessDefinitionInput>> = Object.fromEntries(
  [STANDARD_PROCESS, SELF_HANDLED_PROCESS, CARE_INACTIVITY_PROCESS, PARKING_PROCESS, AI_ALARM_PROCESS, COLLABORATION_PROCESS, DEPUTY_CONCERN_PROCESS].map(
    (d) => [d.key, d],
  ),
);

export { AI_ALARM_PROCESS, CARE_INACTIVITY_PROCESS, COLLABORATION_PROCESS, DEPUTY_CONCERN_PROCESS, PARKING_PROCESS, SELF_HANDLED_PROCESS, STANDARD_PROCESS };
