import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';

// STUB: replaced by the org module.
export function registerOrgRoutes(_app: Api, _deps: AppDeps): void {}
