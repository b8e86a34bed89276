import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';

// STUB: replaced by the auth module (authenticates Bearer tokens and X-Api-Key, sets request.principal).
export function registerAuthHook(_app: Api, _deps: AppDeps): void {}
