import type { AppDeps } from '../deps.ts';

export interface DemoProgress {
  (step: string, done: number, total: number): void;
}
export interface DemoResult {
  created: boolean;
  password: string | null;
  counts: Record<string, number>;
}

// STUB: replaced by the demo county generator.
export async function seedDemoCounty(_deps: AppDeps, _opts: { password?: string; seed: number; onProgress?: DemoProgress }): Promise<DemoResult> {
  throw new Error('not implemented');
}
