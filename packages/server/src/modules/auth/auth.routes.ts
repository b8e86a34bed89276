import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';

// STUB: replaced by the auth module.
export function registerAuthRoutes(_app: Api, _deps: AppDeps): void {}
