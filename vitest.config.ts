import { defineConfig } from 'vitest/config'

/**
 * Test layers, run in this order by `npm test` (scripts/test.ts):
 * unit (pure code), workflow (time-skipping test server), then integration and
 * browser tests (real Temporal dev server, PostgreSQL, headless Chromium).
 */
export default defineConfig({
  test: {
    // Workflow and stack tests share one server each; the whole run fits 2 cores.
    fileParallelism: false,
    // Stopping the test stack (web, worker, Temporal, PostgreSQL) takes a few seconds.
    teardownTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['domain/**/*.test.ts', 'lib/**/*.test.ts', 'services/**/*.test.ts', 'web/**/*.test.ts', 'tests/lint/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['workflows/**/*.test.ts', 'tests/workflows/**/*.test.ts', 'tests/histories/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Integration and browser tests share one throwaway stack (tests/setup/stack.global.ts).
        test: {
          name: 'stack',
          include: ['tests/integration/**/*.test.ts', 'tests/browser/**/*.test.ts'],
          globalSetup: ['tests/setup/stack.global.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // A form post that waits on a workflow update can take seconds while the run loads 2 cores; 1 s flaked.
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
})
