// actions/smoke-test (the built bundle) with target port-forward against a
// Service on the kwok cluster: the real kubectl port-forward resolves the
// Service to its Ready pod through the real API server, kwok (the "kubelet")
// sends the streams of pod ports 8080 and 5000 to the stand-in HotSwap API on
// loopback, and curl checks /health and /metrics through the forward.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { startStandIn, type StandIn } from '../support/stand-in.js';
import { TOOLS_BIN } from '../support/tools.js';
import { createNamespace, deleteNamespace, kubeconfig, kubectl, waitFor } from './support.js';

let ns: string;
let api: StandIn;

const labels = { 'app.kubernetes.io/name': 'hotswap', 'app.kubernetes.io/instance': 'smoke' };

function manifests(namespace: string, healthPort: number, metricsPort: number): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'hotswap-0', namespace, labels },
    spec: {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'api',
          image: 'hotswap-stand-in:dev',
          ports: [
            { name: 'http', containerPort: 8080 },
            { name: 'metrics', containerPort: 5000 },
          ],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'hotswap', namespace, labels },
    spec: {
      selector: labels,
      ports: [
        { name: 'http', port: 8080, targetPort: 'http' },
        { name: 'metrics', port: 5000, targetPort: 'metrics' },
      ],
    },
  };
  // kwok sends each pod port's stream to the stand-in's matching port on loopback.
  const forward = {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterPortForward',
    metadata: { name: `smoke-${namespace}` },
    spec: {
      selector: { matchNamespaces: [namespace] },
      forwards: [
        { ports: [8080], target: { address: '127.0.0.1', port: healthPort } },
        { ports: [5000], target: { address: '127.0.0.1', port: metricsPort } },
      ],
    },
  };
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod, service, forward] });
}

function portForwardProcesses(namespace: string): string[] {
  return execFileSync('ps', ['-eo', 'args'])
    .toString()
    .split('\n')
    .filter((line) => line.includes('port-forward') && line.includes(namespace));
}

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', 'smoke-test'], { cwd: REPO_ROOT });
  api = await startStandIn({ env: { INITIAL_SWAPS: '2' } });
  ns = await createNamespace('smoke-pf');
  await kubectl(['apply', '-f', '-'], manifests(ns, api.port, api.metricsPort));
  await waitFor('pod hotswap-0 Ready', async () => {
    const { stdout } = await kubectl([
      'get',
      'pod',
      'hotswap-0',
      '-n',
      ns,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    return stdout.trim() === 'True' ? true : undefined;
  });
});

afterAll(async () => {
  if (ns) {
    await kubectl(['delete', 'clusterportforward', `smoke-${ns}`, '--ignore-not-found']);
    await deleteNamespace(ns);
  }
  await api?.stop();
});

function smoke(inputs: Record<string, string>, onSpawn?: (child: ChildProcess) => void) {
  return runAction('smoke-test', {
    onSpawn,
    inputs: {
      target: 'port-forward',
      namespace: ns,
      kubeconfig: kubeconfig(),
      timeout: '60s',
      ...inputs,
    },
    env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
    timeoutMs: 120_000,
  });
}

describe('smoke-test through kubectl port-forward on the kwok cluster', () => {
  it('checks /health and /metrics of the Service through the forward, then stops it', async () => {
    const run = await smoke({
      service: 'hotswap',
      'health-fields': 'status=Healthy\nchecks.kernel.status=Healthy',
      'required-metrics': 'hotswap_http_requests_total, process_cpu_seconds_total',
      'metric-conditions':
        'hotswap_http_requests_total{route="/health",code="200"} >= 1\nhotswap_kernel_swaps_total{result="success"} == 2',
    });
    expect(run.stdout).not.toContain('::error::');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.outputs.report!) as {
      target: string;
      checks: { name: string; url: string; passed: boolean; status: number }[];
    };
    expect(report.target).toBe(`kubectl port-forward service/hotswap in namespace ${ns}`);
    expect(report.checks.map((c) => [c.name, c.passed, c.status])).toEqual([
      ['health', true, 200],
      ['metrics', true, 200],
    ]);
    // Local ports chosen by kubectl, not the stand-in's own: the traffic went through the forward.
    for (const check of report.checks) {
      expect(check.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(health|metrics)$/);
      expect(check.url).not.toContain(`:${api.port}/`);
      expect(check.url).not.toContain(`:${api.metricsPort}/`);
    }
    expect(api.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/health', '/metrics']),
    );
    expect(run.stdout).toMatch(/port-forward: Forwarding from 127\.0\.0\.1:\d+ -> 8080/);
    expect(portForwardProcesses(ns)).toEqual([]);
  });

  it("fails with kubectl's message when the Service does not exist", async () => {
    const run = await smoke({ service: 'no-such-service', timeout: '20s' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `::error::Smoke test failed: kubectl port-forward service/no-such-service in namespace ${ns} exited with code 1: .*services "no-such-service" not found`,
      ),
    );
    expect(portForwardProcesses(ns)).toEqual([]);
  });

  it('fails through the forward when a metric condition does not hold', async () => {
    const run = await smoke({
      service: 'hotswap',
      'metric-conditions': 'hotswap_kernel_swaps_total{result="failure"} >= 1',
      timeout: '3s',
      'retry-delay': '500ms',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'hotswap_kernel_swaps_total{result="failure"} >= 1 not met: hotswap_kernel_swaps_total{result="failure",service="hotswap-api"} = 0',
    );
    expect(portForwardProcesses(ns)).toEqual([]);
  });

  it('starts kubectl again on the same local ports when it loses the pod', async () => {
    // Without its rule kwok refuses the pod's stream and kubectl exits ("lost
    // connection to pod"), as it does when the pod it picked goes away. The
    // rule comes back once kubectl has exited; the checks' retries get through.
    await kubectl(['delete', 'clusterportforward', `smoke-${ns}`]);
    let restored: Promise<unknown> | undefined;
    const run = await smoke(
      { service: 'hotswap', timeout: '60s', 'retry-delay': '1s' },
      (child) => {
        let seen = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (!restored && seen.includes('starting it again on the same local ports'))
            restored = kubectl(['apply', '-f', '-'], manifests(ns, api.port, api.metricsPort));
        });
      },
    );
    await restored;
    expect(restored, run.stdout).toBeDefined();
    expect(run.stdout).toContain('lost connection to pod');
    expect(run.code, run.stdout).toBe(0);
    const first = /port-forward ready: \d+ -> (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout)?.[1];
    const report = JSON.parse(run.outputs.report!) as { checks: { name: string; url: string }[] };
    expect(report.checks.find((c) => c.name === 'health')?.url).toBe(`${first}/health`);
    expect(portForwardProcesses(ns)).toEqual([]);
  });
});
