import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';

// STUB: replaced by the catalog module.
export function registerCatalogRoutes(_app: Api, _deps: AppDeps): void {}
