// An upgrade whose pods cannot even be created (here a service account that
// does not exist, set through a public chart's own value) leaves no pod to
// judge: the Deployment waits on "0 of 1 replicas updated" for as long as
// anyone waits. The ReplicaSet's ReplicaFailure condition fails the deploy
// after unschedulable-grace instead of the timeout, names the ReplicaSet and
// the API server's reason, and the release is rolled back. A StatefulSet,
// DaemonSet or Job has no such condition: its controller records a
// FailedCreate event, read once the workload has had no pod of its current
// revision for the grace, and the deploy fails the same way.
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

/** A deploy whose workload's pods the API server refuses, failed after the grace. */
async function refusedUpgrade(o: {
  release: string;
  chart: string;
  set: string;
  object: RegExp;
  valuesFile?: boolean;
}) {
  const inputs = {
    release: o.release,
    chart: `test-charts/${o.chart}`,
    namespace,
    ...(o.valuesFile ? { 'values-files': `test-charts/${o.chart}/ci/kwok-values.yaml` } : {}),
    diff: 'false',
    timeout: '3m',
    'unschedulable-grace': '5s',
  };
  const first = await runDeployAction('deploy', inputs, { workspace });
  expect(first.outputs.status, first.stdout).toBe('deployed');
  const started = Date.now();
  const run = await runDeployAction('deploy', { ...inputs, set: o.set }, { workspace });
  const seconds = (Date.now() - started) / 1000;
  expect(run.code, run.stdout).toBe(1);
  expect(run.outputs.status, run.stdout).toBe('rolled-back');
  expect(run.outputs['rolled-back-to']).toBe('1');
  expect(run.stdout).not.toContain('did not become ready');
  // The controller's FailedCreate event, with the API server's reason.
  expect(run.summary).toMatch(
    new RegExp(
      `\\| ${o.object.source} \\| FailedCreate \\| [^|]*forbidden: error looking up service account ${namespace}/missing-sa: serviceaccount "missing-sa" not found \\|`,
    ),
  );
  // The grace, the upgrade and the rollback: far below the 3m timeout.
  expect(seconds).toBeLessThan(60);
  const last = (await history(o.release, namespace)).at(-1)!;
  expect(last.description).toMatch(
    new RegExp(`^Rollback to 1: revision 2 failed \\(${o.object.source} FailedCreate\\)`),
  );
  return run;
}

describe('deploy: pods a StatefulSet, DaemonSet or hook Job cannot create', () => {
  it('a StatefulSet: fails after the grace, not the timeout, and is rolled back', async () => {
    await refusedUpgrade({
      release: 'alerts',
      chart: 'alertmanager',
      valuesFile: true,
      set: 'serviceAccount.create=false\nserviceAccount.name=missing-sa',
      object: /StatefulSet\/alerts[\w-]*/,
    });
  });

  it('a DaemonSet: fails after the grace, and is rolled back', async () => {
    await refusedUpgrade({
      release: 'agents',
      chart: 'prometheus-node-exporter',
      valuesFile: true,
      set: 'serviceAccount.create=false\nserviceAccount.name=missing-sa',
      object: /DaemonSet\/agents-prometheus-node-exporter/,
    });
  });

  it('a pre-upgrade hook Job: helm is stopped after the grace, and the release rolled back', async () => {
    const run = await refusedUpgrade({
      release: 'premig',
      chart: 'hooked',
      set: 'hook.serviceAccountName=missing-sa',
      object: /Job\/premig-migrate/,
    });
    expect(run.stdout).toContain('stopping helm upgrade');
  });
});

describe('deploy: a StatefulSet the namespace quota lets only part of', () => {
  const quotaNamespace = `uncreatable-quota-${process.pid}`;

  beforeAll(async () => {
    await kubectl(['create', 'namespace', quotaNamespace]);
    await kubectl(['create', 'quota', 'two-pods', '-n', quotaNamespace, '--hard=pods=2']);
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', quotaNamespace, '--ignore-not-found', '--wait=false']);
  });

  it('fails after the grace once two of its three pods run and the third is refused', async () => {
    const started = Date.now();
    const run = await runDeployAction(
      'deploy',
      {
        release: 'trio',
        chart: 'test-charts/alertmanager',
        namespace: quotaNamespace,
        'values-files': 'test-charts/alertmanager/ci/kwok-values.yaml',
        set: 'replicaCount=3\npersistence.enabled=false',
        diff: 'false',
        timeout: '3m',
        'unschedulable-grace': '5s',
      },
      { workspace },
    );
    const seconds = (Date.now() - started) / 1000;
    expect(run.code, run.stdout).toBe(1);
    // A first install has nothing to go back to: it is uninstalled.
    expect(run.outputs.status, run.stdout).toBe('failed');
    expect(run.summary).toMatch(
      /\| StatefulSet\/trio-alertmanager \| FailedCreate \| [^|]*pods "trio-alertmanager-2" is forbidden: exceeded quota: two-pods/,
    );
    expect(seconds).toBeLessThan(60);
    expect(await history('trio', quotaNamespace)).toEqual([]);
  });
});
