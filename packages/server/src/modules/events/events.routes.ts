import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';

// STUB: replaced by the events module.
export function registerEventRoutes(_app: Api, _deps: AppDeps): void {}
