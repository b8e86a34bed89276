import type { Principal } from '../auth/principal.ts';

/**
 * Who causes an event change: a caller (user or API key) or the system itself — an IoT rule,
 * a video adapter, the process engine, the demo generator.
 */
export interface SystemActor {
  kind: 'system';
  /** Shown on the timeline, e.g. '物联中台 IoT hub'. */
  name: string;
  /** The unit acting, when there is one (e.g. the camera's owner). */
  orgUnitId?: string | null;
}

export type EventActor = Principal | SystemActor;

export const isSystemActor = (a: EventActor): a is SystemActor => a.kind === 'system';

/** The user id to record for an actor (API keys act for their creator only in the audit log). */
export const actorUserId = (a: EventActor): string | null => (a.kind === 'user' ? a.userId : null);
