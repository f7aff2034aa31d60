import { defineConfig } from 'vitest/config';

// unit: pure logic, mocks only at the edges. integration: real helm, real
// bundles, real HTTP on loopback. e2e: the kwok cluster (one per run).
// containers: a real Docker engine (scripts/docker-engine.sh up) and kind;
// not part of `npm test`, run with `npm run test:containers`.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          // One shared cluster: files run one after another, each in its own namespaces.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'containers',
          include: ['test/containers/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 1_800_000,
        },
      },
    ],
  },
});
