// A deploy given no values at all (the chart's defaults: no values files, no
// set, no secret values) deploys exactly those, with helm 4 and helm 3. helm
// upgrade reuses the previous revision's values when it is given none: after
// an upgrade whose --set broke the release and was left in place
// (rollback-on-failure false), deploying the defaults again brought the same
// crash loop back, and the step called the defaults broken and rolled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helm, kubectl, makeWorkspace, runDeployAction } from './harness.js';

const namespace = `values-reset-${process.pid}`;
const workspace = makeWorkspace();
const base = { chart: 'test-charts/unlabeled', namespace, diff: 'false', timeout: '40s' };
const CRASH = 'db.podAnnotations.hotswap\\.dev/simulate=crash-loop';

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: the values of this run only', () => {
  for (const [release, extra] of [
    ['four', {}],
    ['three', { helm: 'helm3', 'helm-major': '3' }],
  ] as const) {
    it(`the chart's defaults after a broken --set left in place (${release})`, async () => {
      const inputs = { ...base, ...extra, release };
      const first = await runDeployAction('deploy', inputs, { workspace });
      expect(first.outputs.status, first.stdout).toBe('deployed');
      const bad = await runDeployAction(
        'deploy',
        { ...inputs, set: CRASH, 'rollback-on-failure': 'false' },
        { workspace },
      );
      expect(bad.outputs.status, bad.stdout).toBe('failed');
      const run = await runDeployAction('deploy', inputs, { workspace });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.status).toBe('deployed');
      expect(run.outputs.revision).toBe('3');
      // No user-supplied values: helm prints null (helm 4) or {} for none.
      const values = await helm(['get', 'values', release, '-n', namespace, '-o', 'json']);
      expect(['{}', 'null']).toContain(values.trim());
      const annotations = await kubectl([
        'get',
        'statefulset',
        `${release}-db`,
        '-n',
        namespace,
        '-o',
        'jsonpath={.spec.template.metadata.annotations}',
      ]);
      expect(annotations).not.toContain('simulate');
    });
  }
});
