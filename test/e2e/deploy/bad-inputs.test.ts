// Every bad input is rejected before anything in the cluster changes, with a
// message naming the input, by the action's bundle (exit 1 and ::error::) and
// by the CLI (exit 2, the README's rule for bad input, including values that
// name what the cluster does not have). The cluster (helm releases,
// namespaces, release Secrets) is compared before and after each run.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, runCli } from '../../support/cli.js';
import { TOOLS_BIN } from '../../support/tools.js';
import {
  clusterState,
  expectClusterUnchanged,
  type ClusterState,
  kubeconfig,
  makeWorkspace,
  runDeployAction,
} from './harness.js';

/** 9 levels of 9 aliases: a few hundred bytes that expand to 9^9 leaves. */
function aliasBomb(leaf: string): string {
  let text = `l0: &l0 [${Array(9).fill(leaf).join(', ')}]\n`;
  for (let i = 1; i <= 9; i++)
    text += `l${i}: &l${i} [${Array(9)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  return text;
}

const workspace = makeWorkspace();
writeFileSync(path.join(workspace, 'broken.yaml'), 'replicaCount: [1, 2\n');
writeFileSync(path.join(workspace, 'list.yaml'), '- a\n- b\n');
writeFileSync(path.join(workspace, 'bomb.yaml'), aliasBomb('lol'));

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
  ['chart', { chart: 'bitnami/nginx', 'chart-version': '15.0.0' }],
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
  ['image-values', { 'image-tag': '1.2.3', 'image-values': 'controller.image..tag' }],
  // A path the chart does not have: the tag would go nowhere.
  ['image-values', { 'image-tag': '1.2.3', 'image-values': 'controller.image' }],
  ['image-values', { 'image-tag': '1.2.3', 'image-values': 'image.repository' }],
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
  // Bounded parsing: an alias bomb is stopped at once (it used to hang the run past 60 s).
  ['secret-values', { 'secret-values': aliasBomb('Secret-Value') }],
  ['values-files', { 'values-files': 'bomb.yaml' }],
  // A helm flag is not a value path.
  ['set', { set: '--post-renderer=/bin/sh' }],
  ['set', { set: 'image.tag=1\n-f=/etc/passwd' }],
  // Found against the cluster, still the input's fault.
  ['kube-context', { 'kube-context': 'no-such-context' }],
  ['namespace', { namespace: 'no-such-namespace', 'create-namespace': 'false' }],
  ['require-rollout', { 'require-rollout': 'sometimes' }],
  ['stable-for', { 'stable-for': '90' }],
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
  ['kube-context', { 'kube-context': 'no-such-context' }],
  ['namespace', { namespace: 'no-such-namespace' }],
];

/** The CLI takes the same inputs as flags; it runs in the workspace, tools on PATH. */
async function expectCliRejects(command: string, inputs: Record<string, string>, input: string) {
  const run = await runCli(cliArgs(command, { kubeconfig: kubeconfig(), ...inputs }), {
    cwd: workspace,
    env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
  });
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toMatch(new RegExp(`error: Invalid input '${input}'`));
  expect(run.stderr + run.stdout).not.toContain('Secret-Value');
  return run;
}

let baseline: ClusterState;
beforeAll(async () => {
  baseline = await clusterState();
});

describe('bad inputs are rejected before the cluster changes', () => {
  it.each(deployCases)('deploy: %s %j', async (input, bad) => {
    const started = Date.now();
    const run = await runDeployAction('deploy', { ...deployBase, ...bad }, { workspace });
    // YAML is rejected before anything else, not expanded: well within 5 s.
    if (/values/.test(input)) expect(Date.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`::error::Invalid input '${input}'`));
    expect(run.outputs.status).toBeUndefined();
    // A secret value is never repeated back, not even a malformed one.
    expect(run.stdout).not.toContain('Secret-Value');
    const cli = await expectCliRejects('deploy', { ...deployBase, ...bad }, input);
    if (/values/.test(input)) expect(cli.durationMs).toBeLessThan(5000 + 5000); // + tsx start-up
    await expectClusterUnchanged(baseline);
  });

  it.each(rollbackCases)('rollback: %s %j', async (input, bad) => {
    const run = await runDeployAction('rollback', { ...rollbackBase, ...bad }, { workspace });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`::error::Invalid input '${input}'`));
    await expectCliRejects('rollback', { ...rollbackBase, ...bad }, input);
    await expectClusterUnchanged(baseline);
  });
});
