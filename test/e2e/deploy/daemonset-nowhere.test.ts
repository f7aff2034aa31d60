// A DaemonSet whose node selector no node matches is ready by Kubernetes'
// rules (0 of 0 pods) although nothing runs any more: an upgrade that moves a
// public chart's DaemonSet (prometheus-node-exporter) onto a node label no node
// carries ends `deployed` with a warning naming it, and is rolled back under
// require-rollout, as an unrolled OnDelete upgrade is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helm, history, kubectl, makeWorkspace, runDeployAction } from './harness.js';

const namespace = `ds-nowhere-${process.pid}`;
const workspace = makeWorkspace();
const base = {
  release: 'agents',
  chart: 'test-charts/prometheus-node-exporter',
  namespace,
  'values-files': 'test-charts/prometheus-node-exporter/ci/kwok-values.yaml',
  diff: 'false',
  timeout: '2m',
};
const nowhere = 'nodeSelector.hotswap\\.dev/pool=none';
const line =
  "DaemonSet/agents-prometheus-node-exporter runs on no node: its node selector, affinity and tolerations match none of the cluster's nodes (0 pods scheduled)";

async function scheduled(): Promise<string> {
  return kubectl([
    'get',
    'daemonset',
    'agents-prometheus-node-exporter',
    '-n',
    namespace,
    '-o',
    'jsonpath={.status.desiredNumberScheduled}',
  ]);
}

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  const first = await runDeployAction('deploy', base, { workspace });
  expect(first.outputs.status, first.stdout).toBe('deployed');
  expect(first.outputs.warnings).toBe('');
  expect(Number(await scheduled())).toBeGreaterThan(0);
});

afterAll(async () => {
  // The chart's ClusterRole and binding outlive the namespace.
  await helm(['uninstall', 'agents', '-n', namespace]).catch(() => {});
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: a DaemonSet that no node matches', () => {
  it('fails and is rolled back under require-rollout', async () => {
    const run = await runDeployAction(
      'deploy',
      { ...base, set: nowhere, 'require-rollout': 'true' },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.summary).toContain(
      `| DaemonSet/agents-prometheus-node-exporter | NotRolledOut | ${line} |`,
    );
    expect(Number(await scheduled())).toBeGreaterThan(0);
  });

  it('ends deployed with a warning naming it', async () => {
    const run = await runDeployAction('deploy', { ...base, set: nowhere }, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.outputs.warnings).toBe(line);
    expect(run.stdout).toContain(`::warning::Not rolled out: ${line}`);
    expect(await scheduled()).toBe('0');
    expect((await history('agents', namespace)).at(-1)!.status).toBe('deployed');
  });
});
