import type { ImportReport } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';

// STUB: replaced by the org module.
export async function importBoundaries(_deps: AppDeps, _input: unknown, _opts: { dryRun?: boolean; actorUserId?: string | null; onProgress?: (done: number, total: number) => void }): Promise<ImportReport> {
  throw new Error('not implemented');
}
