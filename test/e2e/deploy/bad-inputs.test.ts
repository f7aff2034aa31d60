// Every bad input is rejected before anything in the cluster changes, with a
// message naming the input. The cluster (helm releases, namespaces, release
// Secrets) is compared before and after each run.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clusterState,
  expectClusterUnchanged,
  type ClusterState,
  makeWorkspace,
  runDeployAction,
} from './harness.js';

const workspace = makeWorkspace();
writeFileSync(path.join(workspace, 'broken.yaml'), 'replicaCount: [1, 2\n');
writeFileSync(path.join(workspace, 'list.yaml'), '- a\n- b\n');

const deployBase = {
  release: 'bad-inputs',
  chart: 'chart/hotswap',
  namespace: 'bad-inputs-ns',
  'create-namespace': 'true',
  'values-files': 'chart/environments/dev.yaml',
};
const rollbackBase = { release: 'bad-inputs', namespace: 'bad-inputs-ns' };

const deployCases: [string, Record<string, string>][] = [
  ['release', { release: 'Bad_Name' }],
  ['release', { release: 'a'.repeat(54) }],
  ['release', { release: '-leading-dash' }],
  ['namespace', { namespace: 'UpperCase' }],
  ['namespace', { namespace: 'n'.repeat(64) }],
  ['chart', { chart: 'chart/missing' }],
  ['chart', { chart: '../../../../etc' }],
  ['chart', { chart: 'oci://registry.example/Bad Ref', 'chart-version': '1.0.0' }],
  ['chart', { chart: 'chart/environments' }],
  ['chart-version', { 'chart-version': '1.0.0' }],
  ['chart-version', { chart: 'oci://127.0.0.1:5000/charts/hotswap' }],
  [
    'registry-username',
    {
      chart: 'oci://127.0.0.1:5000/charts/hotswap',
      'chart-version': '0.1.0',
      'registry-username': 'ci',
    },
  ],
  ['values-files', { 'values-files': 'chart/environments/missing.yaml' }],
  ['values-files', { 'values-files': '/etc/hostname' }],
  ['values-files', { 'values-files': 'broken.yaml' }],
  ['values-files', { 'values-files': 'list.yaml' }],
  ['secret-values', { 'secret-values': 'db:\n  password: [unclosed-Secret-Value' }],
  ['secret-values', { 'secret-values': '- just-a-list-Secret-Value' }],
  ['set', { set: 'replicaCount=2\nnot-a-pair' }],
  ['image-digest', { 'image-digest': 'sha256:abc123' }],
  ['image-tag', { 'image-tag': 'bad tag!' }],
  ['timeout', { timeout: '5 minutes' }],
  ['timeout', { timeout: '10' }],
  ['wait', { wait: 'forever' }],
  ['rollback-on-failure', { 'rollback-on-failure': 'maybe' }],
  ['history-max', { 'history-max': '-1' }],
  ['create-namespace', { 'create-namespace': 'yes please' }],
  ['stuck-release-max-age', { 'stuck-release-max-age': 'ten minutes' }],
  ['helm-major', { 'helm-major': '5' }],
  ['helm-major', { 'helm-major': '3' }],
  ['helm', { helm: 'no-such-helm' }],
  ['kubectl', { kubectl: '/no/such/kubectl' }],
  ['kubeconfig', { kubeconfig: '/nonexistent/kubeconfig' }],
  ['environment', { environment: 'Prod!' }],
  ['environment-url', { 'environment-url': 'ftp://example.com' }],
  ['crash-loop-restarts', { 'crash-loop-restarts': 'many' }],
  ['diff-only', { 'diff-only': 'perhaps' }],
  ['require-rollout', { 'require-rollout': 'sometimes' }],
];

const rollbackCases: [string, Record<string, string>][] = [
  ['release', { release: 'UPPER' }],
  ['namespace', { namespace: '' }],
  ['revision', { revision: 'abc' }],
  ['revision', { revision: '0' }],
  ['timeout', { timeout: 'soon' }],
  ['wait', { wait: 'maybe' }],
  ['history-max', { 'history-max': '10000' }],
  ['kubeconfig', { kubeconfig: '/nope/config' }],
  ['helm-major', { 'helm-major': 'four' }],
];

let baseline: ClusterState;
beforeAll(async () => {
  baseline = await clusterState();
});

describe('bad inputs are rejected before the cluster changes', () => {
  it.each(deployCases)('deploy: %s %j', async (input, bad) => {
    const run = await runDeployAction('deploy', { ...deployBase, ...bad }, { workspace });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`::error::Invalid input '${input}'`));
    expect(run.outputs.status).toBeUndefined();
    // A secret value is never repeated back, not even a malformed one.
    expect(run.stdout).not.toContain('Secret-Value');
    await expectClusterUnchanged(baseline);
  });

  it.each(rollbackCases)('rollback: %s %j', async (input, bad) => {
    const run = await runDeployAction('rollback', { ...rollbackBase, ...bad }, { workspace });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`::error::Invalid input '${input}'`));
    await expectClusterUnchanged(baseline);
  });
});
