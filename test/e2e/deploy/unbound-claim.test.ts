// A pod no node can take because its PersistentVolumeClaim never binds (here
// a public chart's StatefulSet asking for a StorageClass the cluster does not
// have) is Unschedulable with the scheduler's words only: "pod has unbound
// immediate PersistentVolumeClaims". Why the claim is unbound is on the claim:
// the deploy's diagnostics add its warning, which names the StorageClass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helm, history, kubectl, makeWorkspace, runDeployAction } from './harness.js';

const namespace = `unbound-claim-${process.pid}`;
const workspace = makeWorkspace();

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

afterAll(async () => {
  await helm(['uninstall', 'alerts', '-n', namespace]).catch(() => {});
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: a claim whose StorageClass does not exist', () => {
  it("fails after the grace and shows the claim's warning naming the StorageClass", async () => {
    const run = await runDeployAction(
      'deploy',
      {
        release: 'alerts',
        chart: 'test-charts/alertmanager',
        namespace,
        'values-files': 'test-charts/alertmanager/ci/kwok-values.yaml',
        set: 'persistence.storageClass=no-such-class',
        diff: 'false',
        timeout: '2m',
        'unschedulable-grace': '5s',
      },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(1);
    // A first install has nothing to go back to: it is uninstalled.
    expect(run.outputs.status, run.stdout).toBe('failed');
    expect(await history('alerts', namespace)).toEqual([]);
    expect(run.summary).toMatch(/\| Pod\/alerts-alertmanager-0 \| Unschedulable \|/);
    expect(run.summary).toMatch(
      /PersistentVolumeClaim\/storage-alerts-alertmanager-0: Warning ProvisioningFailed: storageclass\.storage\.k8s\.io "no-such-class" not found/,
    );
  });
});
