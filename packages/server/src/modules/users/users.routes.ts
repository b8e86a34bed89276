import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';

export function registerUserRoutes(_app: Api, _deps: AppDeps): void {}
