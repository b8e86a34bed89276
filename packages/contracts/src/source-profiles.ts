import type { EventSource } from './enums.ts';
import { EVENT_SOURCES } from './values.ts';

/**
 * How the platform treats a report by where it came from (issue 12.1). Adding a channel
 * (MQTT meters, cameras, Open311, a deputies' app) is one row here plus a thin adapter on the
 * server's intake (modules/intake); nothing else names sources one by one.
 */
export interface SourceProfile {
  source: EventSource;
  /** A machine (a camera's AI, a meter) or a person reporting. */
  reporter: 'machine' | 'person';
  /**
   * Whether a report waits for the duty room's confirmation when its category asks for one
   * (`requiresConfirmation`): machines' alarms do, a person's report is accepted as usual.
   */
  needsConfirmation: boolean;
  /** The process a report from this source runs whatever its category; null: the category's. */
  defaultProcess: string | null;
  /** How a repeat is recognised: by (source, externalId), and/or as a report of the same category near an open event within the category's window. */
  dedup: { externalId: boolean; nearby: boolean };
}

const person = (source: EventSource, extra: Partial<SourceProfile> = {}): SourceProfile => ({
  source,
  reporter: 'person',
  needsConfirmation: false,
  defaultProcess: null,
  dedup: { externalId: true, nearby: true },
  ...extra,
});

const machine = (source: EventSource): SourceProfile => ({
  source,
  reporter: 'machine',
  needsConfirmation: true,
  defaultProcess: null,
  dedup: { externalId: true, nearby: true },
});

export const SOURCE_PROFILES: Readonly<Record<EventSource, SourceProfile>> = {
  patrol: person('patrol'),
  citizen: person('citizen'),
  // 民生小事时时督: a deputy's concern follows the deputy process whatever its category.
  deputy: person('deputy', { defaultProcess: 'deputy-concern' }),
  hotline: person('hotline'),
  officer: person('officer'),
  iot: machine('iot'),
  video: machine('video'),
  superior: person('superior'),
};

/** The profile of a source; an unknown source is treated as a person's report. */
export function sourceProfile(source: string): SourceProfile {
  return (SOURCE_PROFILES as Record<string, SourceProfile | undefined>)[source] ?? person(source as EventSource);
}

export const isMachineSource = (source: string): boolean => sourceProfile(source).reporter === 'machine';

/** Sources a person picks in a report form (machines report through their adapters). */
export const PERSON_SOURCES: readonly EventSource[] = EVENT_SOURCES.filter((s) => !isMachineSource(s));
