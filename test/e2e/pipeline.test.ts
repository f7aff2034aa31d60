// The deploy workflow's sequence, step by step, through the built bundles run
// as the runner runs them (INPUT_*, GITHUB_OUTPUT, RUNNER_TEMP), on the run's
// kwok cluster: deploy, smoke-test through `kubectl port-forward` (kwok sends
// it to a local stand-in HotSwap API), a broken version detected and rolled
// back, smoke-test again, then the rollback action. The cluster state is
// checked after every step. setup runs with cluster none: the cluster is the
// e2e run's (test/e2e/global-setup.ts).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardPodsToLocal } from '../../scripts/demo/kwok-port-forward.js';
import { runCommand } from '../../src/exec/command.js';
import { Helm, type RevisionInfo } from '../../src/helm/helm.js';
import { PINNED } from '../../src/tools/pinned.js';
import { startMirror } from '../../tools/mirror-server.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { MIRROR_ROOT, mirrorInputs } from '../support/setup-mirror.js';
import { startStandIn, type StandIn } from '../support/stand-in.js';
import { TOOLS_BIN, toolPath } from '../support/tools.js';
import { createNamespace, kubeconfig, kubectl, pods } from './support.js';

const RELEASE = 'hotswap';
const SECRET = `pw-${Date.now().toString(36)}-not-to-be-logged`;
let ns: string;
let standIn: StandIn;
let unforward: (() => Promise<void>) | undefined;
let helm: Helm;

const env = () => ({ PATH: `${TOOLS_BIN}${path.delimiter}${process.env.PATH ?? ''}` });

function deployInputs(version: string, extra: Record<string, string> = {}) {
  return {
    release: RELEASE,
    chart: 'chart/hotswap',
    namespace: ns,
    environment: 'staging',
    'values-files': 'chart/environments/staging.yaml\ndemo/local-values.yaml',
    'secret-values': `postgresql:\n  auth:\n    password: ${SECRET}\n`,
    'image-tag': version,
    kubeconfig: kubeconfig(),
    timeout: '120s',
    ...extra,
  };
}

function smokeInputs() {
  return {
    target: 'port-forward',
    namespace: ns,
    service: RELEASE,
    port: '80',
    'metrics-port': '5000',
    'health-fields': 'status=Healthy',
    'required-metrics': 'hotswap_http_requests_total',
    timeout: '60s',
    kubeconfig: kubeconfig(),
  };
}

/** The secret appears once, in the ::add-mask:: command the runner consumes; nowhere else. */
function expectNoSecret(run: ActionRun): void {
  const logged = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(run.stdout).toContain(`::add-mask::${SECRET}`);
  for (const text of [logged, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
    expect(text).not.toContain(SECRET);
  }
}

async function history(): Promise<RevisionInfo[]> {
  return helm.history(RELEASE, ns);
}

async function apiPods() {
  return pods(ns, `app.kubernetes.io/instance=${RELEASE},app.kubernetes.io/component=api`);
}

beforeAll(async () => {
  ns = await createNamespace('pipeline');
  helm = new Helm({ bin: toolPath('helm'), major: 4, kubeconfig: kubeconfig() });
  standIn = await startStandIn();
  unforward = await forwardPodsToLocal({
    kubectl: toolPath('kubectl'),
    kubeconfig: kubeconfig(),
    namespace: ns,
    ports: [
      { podPort: 8080, localPort: standIn.port },
      { podPort: 5000, localPort: standIn.metricsPort },
    ],
  });
});

afterAll(async () => {
  await unforward?.();
  await standIn?.stop();
  // Waited for, so the next test file starts from a cluster without this release.
  if (ns) await kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
});

describe('the deploy workflow through the bundled actions', () => {
  it('setup with cluster none: helm and kubectl from the mirror', async () => {
    const mirror = await startMirror(MIRROR_ROOT);
    try {
      const run = await runAction('setup', {
        inputs: {
          cluster: 'none',
          'helm-version': PINNED.helm4,
          'kubectl-version': PINNED.kubectl,
          'install-kind': 'false',
          ...mirrorInputs(mirror.url),
        },
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.outputs['helm-major']).toBe('4');
      expect(run.outputs['helm-version']).toContain(PINNED.helm4);
      expect(run.outputs['kubectl-version']).toContain(PINNED.kubectl);
      const helmPath = run.outputs['helm-path']!;
      const kubectlPath = run.outputs['kubectl-path']!;
      expect(run.addedPath).toEqual(
        expect.arrayContaining([path.dirname(helmPath), path.dirname(kubectlPath)]),
      );
      // The installed helm talks to the cluster: the release list of the fresh namespace is empty.
      const { stdout } = await runCommand(helmPath, [
        '--kubeconfig',
        kubeconfig(),
        'list',
        '-n',
        ns,
        '-o',
        'json',
      ]);
      expect(JSON.parse(stdout)).toEqual([]);
    } finally {
      await mirror.close();
    }
  });

  it('lint: dev, staging and production pass', async () => {
    const run = await runAction('lint', {
      inputs: { environments: 'dev, staging, production', 'ci-values': 'false' },
      env: env(),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('pass');
    expect(run.outputs.errors).toBe('0');
    expect(JSON.parse(run.outputs.environments!)).toEqual({
      dev: 'pass',
      staging: 'pass',
      production: 'pass',
    });
    // Nothing reached the cluster.
    expect(await history()).toEqual([]);
  });

  it('deploy: staging values and a secret, revision 1 deployed and ready', async () => {
    const run = await runAction('deploy', { inputs: deployInputs('1.0.0'), env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'deployed',
      revision: '1',
      'previous-revision': '',
      'rolled-back-to': '',
    });
    expect(run.outputs['manifest-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expectNoSecret(run);
    const h = await history();
    expect(h.map((r) => [r.revision, r.status])).toEqual([[1, 'deployed']]);
    const api = await apiPods();
    expect(api.length).toBeGreaterThan(0);
    for (const pod of api) {
      expect(pod.status.phase).toBe('Running');
      expect(pod.metadata.annotations?.['hotswap.dev/simulate']).toBeUndefined();
    }
  });

  it('smoke-test: /health and /metrics of the release answer through port-forward', async () => {
    const before = standIn.requests.length;
    const run = await runAction('smoke-test', { inputs: smokeInputs(), env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.passed).toBe('true');
    const report = JSON.parse(run.outputs.report!) as {
      checks: { name: string; passed: boolean }[];
    };
    expect(report.checks.map((c) => [c.name, c.passed])).toEqual([
      ['health', true],
      ['metrics', true],
    ]);
    // The requests went through the cluster to the stand-in.
    const paths = standIn.requests.slice(before).map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['/health', '/metrics']));
  });

  it('deploy of a crash-looping version: detected, rolled back to revision 1', async () => {
    const run = await runAction('deploy', {
      inputs: deployInputs('1.1.0', { set: 'podAnnotations.hotswap\\.dev/simulate=crash-loop' }),
      env: env(),
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs, run.stdout).toMatchObject({
      status: 'rolled-back',
      revision: '2',
      'previous-revision': '1',
      'rolled-back-to': '1',
    });
    expect(run.stdout).toMatch(/CrashLoopBackOff/);
    expectNoSecret(run);
    const h = await history();
    expect(h.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
    expect(h[2]!.description).toMatch(/^Rollback to 1: revision 2 failed/);
    // The release runs revision 1's pod template again: no crash-looping pod is left running.
    const api = await apiPods();
    expect(
      api.filter((p) => p.metadata.annotations?.['hotswap.dev/simulate'] === undefined).length,
    ).toBeGreaterThan(0);
    for (const pod of api.filter((p) => p.status.phase === 'Running')) {
      expect(pod.metadata.annotations?.['hotswap.dev/simulate']).toBeUndefined();
    }
  });

  it('smoke-test after the rollback passes again', async () => {
    const run = await runAction('smoke-test', { inputs: smokeInputs(), env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.passed).toBe('true');
  });

  it('rollback action: back to revision 1 on request', async () => {
    const run = await runAction('rollback', {
      inputs: { release: RELEASE, namespace: ns, revision: '1', kubeconfig: kubeconfig() },
      env: env(),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-revision': '3',
      'to-revision': '1',
    });
    const h = await history();
    expect(h.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'superseded'],
      [4, 'deployed'],
    ]);
    expect(h[3]!.description).toMatch(/^Rollback to 1/);
    const api = await apiPods();
    expect(api.filter((p) => p.status.phase === 'Running').length).toBeGreaterThan(0);
  });
});
