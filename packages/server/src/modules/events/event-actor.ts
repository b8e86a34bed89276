import type { Principal } from '../auth/principal.ts';

import type { SystemActor } from '../../engine/host.ts';

// The system actor and the helpers are the engine's (engine/host.ts), which may not import modules/.
export { actorUserId, isSystemActor, type SystemActor } from '../../engine/host.ts';

/**
 * Who causes an event change: a caller (user or API key) or the system itself — an IoT rule,
 * a video adapter, the process engine, the demo generator.
 */
export type EventActor = Principal | SystemActor;
