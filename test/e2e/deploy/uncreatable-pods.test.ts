// An upgrade whose pods cannot even be created (here a service account that
// does not exist, set through a public chart's own value) leaves no pod to
// judge: the Deployment waits on "0 of 1 replicas updated" for as long as
// anyone waits. The ReplicaSet's ReplicaFailure condition fails the deploy
// after unschedulable-grace instead of the timeout, names the ReplicaSet and
// the API server's reason, and the release is rolled back. A StatefulSet's
// uncreatable pod is only seen as a timeout, which the rollback's entry in
// helm's history names as such (not as a helm failure).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history, kubectl, makeWorkspace, runDeployAction } from './harness.js';

const namespace = `uncreatable-${process.pid}`;
const workspace = makeWorkspace();
const base = {
  release: 'shop',
  chart: 'test-charts/application',
  namespace,
  'values-files': 'test-charts/application/ci/kwok-values.yaml',
  // A Job's pod template cannot change on upgrade: only the Deployment is used.
  set: 'job.enabled=false',
  diff: 'false',
  timeout: '3m',
  'unschedulable-grace': '5s',
};

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  const first = await runDeployAction('deploy', base, { workspace });
  expect(first.outputs.status, first.stdout).toBe('deployed');
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: pods that the ReplicaSet cannot create', () => {
  it('fail the deploy after the grace, not the timeout, and are rolled back', async () => {
    const started = Date.now();
    const run = await runDeployAction(
      'deploy',
      { ...base, set: `${base.set}\nrbac.serviceAccount.name=missing-sa` },
      { workspace },
    );
    const seconds = (Date.now() - started) / 1000;
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.stdout).not.toContain('did not become ready');
    expect(run.summary).toMatch(
      /\| ReplicaSet\/shop-[a-z0-9]+ \| FailedCreate \| pods "shop-[a-z0-9]+-" is forbidden: error looking up service account [a-z0-9-]+\/missing-sa: serviceaccount "missing-sa" not found \|/,
    );
    // The grace, the upgrade and the rollback: far below the 3m timeout.
    expect(seconds).toBeLessThan(60);
    const last = (await history('shop', namespace)).at(-1)!;
    expect(last.description).toMatch(
      /^Rollback to 1: revision 2 failed \(ReplicaSet\/shop-.* FailedCreate\)/,
    );
  });
});

describe('deploy: a StatefulSet pod that cannot be created', () => {
  it('times out, and the rollback in the history says so', async () => {
    const alerts = {
      release: 'alerts',
      chart: 'test-charts/alertmanager',
      namespace,
      'values-files': 'test-charts/alertmanager/ci/kwok-values.yaml',
      diff: 'false',
      timeout: '20s',
    };
    const first = await runDeployAction('deploy', alerts, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');
    const run = await runDeployAction(
      'deploy',
      { ...alerts, set: 'serviceAccount.create=false\nserviceAccount.name=missing-sa' },
      { workspace },
    );
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.stdout).toContain('revision 2 did not become ready within 20s');
    const last = (await history('alerts', namespace)).at(-1)!;
    expect(last.description).toBe('Rollback to 1: revision 2 failed (not ready within 20s)');
  });
});
