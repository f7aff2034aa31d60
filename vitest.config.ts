import { defineConfig } from 'vitest/config';
import { NODE24 } from './test/support/node24-setup.js';

// unit: pure logic, mocks only at the edges. integration: real helm, real
// bundles, real HTTP on loopback. node24: the bundles' integration tests again
// on Node.js 24, the runtime action.yml declares (they run alongside the
// others, so CI takes no longer end to end). e2e: the kwok cluster (one per run).
// containers: a real Docker engine (scripts/docker-engine.sh up) and kind;
// not part of `npm test`, run with `npm run test:containers`. kind: deploys on
// real pods, one kind cluster per run shared by files running in parallel,
// each in its own namespaces; `npm run test:kind`.
const BUNDLE_TESTS = [
  'test/integration/action-runtime.test.ts',
  'test/integration/runner-contract.test.ts',
  'test/integration/lint-action.test.ts',
  'test/integration/smoke-test-action.test.ts',
  'test/integration/setup-action.test.ts',
];
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
          name: 'node24',
          include: BUNDLE_TESTS,
          globalSetup: ['test/support/node24-setup.ts'],
          env: { HOTSWAP_ACTION_NODE: NODE24 },
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
      {
        test: {
          name: 'kind',
          include: ['test/kind/**/*.test.ts'],
          globalSetup: ['test/kind/global-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
