import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The import boundaries of issue 12 live in eslint.config.js; this proves on small in-memory
// snippets that each one still fires (and stays quiet where imports are allowed), so that a
// change to the config cannot silently switch a boundary off.
const root = join(import.meta.dirname, '../../../..');
let eslint: ESLint;

beforeAll(async () => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.js') });
  // Loading the config and typescript-eslint takes seconds on a busy machine: here, not in a test.
  await eslint.lintText('export {};\n', { filePath: join(root, 'packages/server/src/lint-warm-up.ts') });
});

/** The boundary messages ESLint gives `code` as if it were the file at `path` (from the repository root). */
async function boundaryMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path), warnIgnored: true });
  const fatal = result!.messages.filter((m) => m.fatal || m.ruleId === null);
  expect(fatal).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const MODULES = /Boundary: the engine and config\.ts import nothing from modules\//;
const DEMO = /Boundary: only tests, bench\/, e2e\/, main\.ts and the demo itself import demo code/;
const TESTING = /Boundary: only tests, bench\/, e2e\/, main\.ts, demo\/ and testing\/ import test code/;

describe('import boundaries (eslint.config.js)', () => {
  it('engine/ imports nothing from modules/: static, type-only, re-export and import()', async () => {
    const file = 'packages/server/src/engine/runtime/lint-probe.ts';
    expect(await boundaryMessages(file, `import { appendTimeline } from '../../modules/events/timeline.ts';\nexport { appendTimeline };\n`)).toEqual([
      expect.stringMatching(MODULES),
    ]);
    expect(await boundaryMessages(file, `import type { EventRow } from '../../modules/events/events.repository.ts';\nexport type Row = EventRow;\n`)).toEqual([
      expect.stringMatching(MODULES),
    ]);
    expect(await boundaryMessages(file, `export * from '../../modules/notify/outbox.ts';\n`)).toEqual([expect.stringMatching(MODULES)]);
    expect(await boundaryMessages(file, `export const load = () => import('../../modules/calendar/calendar.loader.ts');\n`)).toEqual([
      expect.stringMatching(MODULES),
    ]);
    // Its test set-up (engine/testing/) is held to it as well.
    expect(
      await boundaryMessages('packages/server/src/engine/testing/lint-probe.ts', `import { a } from '../../modules/events/timeline.ts';\nexport { a };\n`),
    ).toEqual([expect.stringMatching(MODULES)]);
    // Its own folders and lib/ stay allowed.
    expect(
      await boundaryMessages(file, `import { systemClock } from '../../lib/clock.ts';\nimport { x } from '../time/x.ts';\nexport { systemClock, x };\n`),
    ).toEqual([]);
  });

  it('config.ts imports nothing from modules/', async () => {
    expect(
      await boundaryMessages(
        'packages/server/src/config.ts',
        `import { parseQuietHours } from './modules/notify/schedule.policy.ts';\nexport { parseQuietHours };\n`,
      ),
    ).toEqual([expect.stringMatching(MODULES)]);
    // Other files may.
    expect(
      await boundaryMessages(
        'packages/server/src/app.ts',
        `import { parseQuietHours } from './modules/notify/schedule.policy.ts';\nexport { parseQuietHours };\n`,
      ),
    ).toEqual([]);
  });

  it('production code imports neither demo/ nor testing/, nor a module’s demo or test helpers', async () => {
    const file = 'packages/server/src/modules/events/lint-probe.ts';
    const probes: [string, RegExp][] = [
      [`import { personName } from '../../demo/names.ts';`, DEMO],
      [`import { vehiclesDemo } from '../vehicles/vehicles.demo.ts';`, DEMO],
      [`const m = await import('../../demo/demo.ts');`, DEMO],
      [`import { createTestApp } from '../../testing/test-app.ts';`, TESTING],
      [`import { reportAs } from './events.test-helpers.ts';`, TESTING],
      [`const m = await import('../../testing/fixtures.ts');`, TESTING],
    ];
    for (const [code, message] of probes) expect(await boundaryMessages(file, `${code}\nexport {};\n`), code).toEqual([expect.stringMatching(message)]);
    // The engine and the web app are held to the same.
    expect(await boundaryMessages('packages/server/src/engine/host-probe.ts', `import { a } from '../testing/fixtures.ts';\nexport { a };\n`)).toEqual([
      expect.stringMatching(TESTING),
    ]);
    expect(
      await boundaryMessages('packages/web/src/features/lint-probe.ts', `import { a } from '../../../server/src/demo/names.ts';\nexport { a };\n`),
    ).toEqual([expect.stringMatching(DEMO)]);
  });

  it('tests, bench/, e2e/, main.ts, demo/ and testing/ may import the demo and the test code', async () => {
    const demoAndTesting = `import { personName } from '../../demo/names.ts';\nimport { createTestApp } from '../../testing/test-app.ts';\nexport { personName, createTestApp };\n`;
    expect(await boundaryMessages('packages/server/src/modules/events/lint-probe.test.ts', demoAndTesting)).toEqual([]);
    expect(await boundaryMessages('packages/server/src/engine/runtime/lint-probe.test.ts', demoAndTesting)).toEqual([]);
    expect(await boundaryMessages('bench/lint-probe.bench.ts', demoAndTesting)).toEqual([]);
    expect(await boundaryMessages('e2e/lint-probe.test.ts', demoAndTesting)).toEqual([]);
    expect(await boundaryMessages('packages/server/src/main.ts', `import { seedDemo } from './demo/demo.ts';\nexport { seedDemo };\n`)).toEqual([]);
    expect(
      await boundaryMessages('packages/server/src/testing/lint-probe.ts', `import { personName } from '../demo/names.ts';\nexport { personName };\n`),
    ).toEqual([]);
    expect(
      await boundaryMessages('packages/server/src/engine/testing/lint-probe.ts', `import { a } from '../../testing/fixtures.ts';\nexport { a };\n`),
    ).toEqual([]);
    expect(await boundaryMessages('packages/server/src/demo/lint-probe.ts', `import { personName } from './names.ts';\nexport { personName };\n`)).toEqual([]);
    // A module's demo part belongs to the demo: it may use demo/, not the tests.
    expect(
      await boundaryMessages(
        'packages/server/src/modules/vehicles/vehicles.demo.ts',
        `import { personName } from '../../demo/names.ts';\nexport { personName };\n`,
      ),
    ).toEqual([]);
    expect(await boundaryMessages('packages/server/src/demo/lint-probe.ts', `import { a } from '../testing/fixtures.ts';\nexport { a };\n`)).toEqual([
      expect.stringMatching(TESTING),
    ]);
  });
});
