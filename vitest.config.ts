import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Five projects: `unit` (pure, no I/O), `integration` (DynamoDB Local,
 * one instance per file, started by its setup and stopped by PID), `process`
 * (`npm start` as a whole, signals and all), `infra`
 * (CDK synth, template assertions, cdk-nag) and `browser` (the tracker in
 * the machine's Chromium, driven by playwright-core).
 */
export default defineConfig({
  test: {
    // Vitest's default leaves a core idle on a 2-core machine (cores − 1 workers), while most of an
    // integration file's time is spent waiting for DynamoDB Local, Chromium or a child process.
    maxWorkers: Math.max(2, availableParallelism()),
    // A larger young generation for the test processes: fewer scavenges of what a file allocates (projections, SDK
    // requests). On three Node-heavy integration files, 7% less CPU (61 and 60 against 64 and 67 CPU-seconds).
    execArgv: ['--max-semi-space-size=64'],
    // In CI a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.cache/vitest-results.json' }]] : ['default'],
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        // Pure modules: one module graph for all the files (isolating each file doubled the project's CPU).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false, env: { TABLE_NAME: 'unit-tests' } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One module graph per worker, as in `unit`: importing it for each of the 42 files cost about 70 s of the
          // workers' time. What a file's configuration builds is built again for it (integration-setup.ts).
          isolate: false,
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/integration-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        // Whole processes (npm start and its Java): each case starts its own, so no DynamoDB Local of the file's.
        test: { name: 'process', include: ['test/process/**/*.test.ts'], globalSetup: ['test/support/global-setup.ts'], testTimeout: 90_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 600_000 },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
