import { defineConfig } from 'vitest/config';
import { testPgAdminUrlFromEnv } from './packages/server/src/config.ts';

// A PostgreSQL server of your own, if any (LIANDONG_TEST_PG_URL; see config.ts).
const pgAdminUrl = testPgAdminUrlFromEnv();

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts', 'packages/contracts/src/**/*.test.ts'],
          globalSetup: ['packages/server/src/testing/pg-global-setup.ts'],
          provide: { pgAdminUrl },
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['packages/server/src/testing/pg-global-setup.ts'],
          provide: { pgAdminUrl },
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
