// The smoke-test bundle against the chart's real pods on kind, through the
// cluster both ways a workflow can reach them: `kubectl port-forward` to the
// Service (kubelet streams into the pod; no process on this machine answers),
// and the in-cluster curl Pod driven by a real `kubectl exec`. /metrics is
// the stand-in's own prom-client output on port 5000 of the pod. A
// NetworkPolicy that cuts the curl Pod off fails the test naming the target,
// where the cluster's CNI enforces policies; where it does not (this
// project's offline kind node uses ptp, which ignores them), that case is
// skipped with the reason printed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CURL_POD_LABELS } from '../../src/kube/curl-pod.js';
import {
  createNamespace,
  deleteNamespace,
  deployInputs,
  images,
  kubectl,
  makeWorkspace,
  runDeployAction,
  smokeTest,
  type DeployRun,
} from './support.js';

const RELEASE = 'hs';
const SERVICE = `${RELEASE}-hotswap`;
let namespace: string;
const workspace = makeWorkspace();

interface Report {
  target: string;
  checks: { name: string; url: string; passed: boolean; status: number; error?: string }[];
}
const reportOf = (run: DeployRun) => JSON.parse(run.outputs.report!) as Report;
const log = (run: DeployRun) => `${run.stdout}\n${run.stderr}`;

/** What the API pod itself logged: one JSON line per request it served. */
async function servedPaths(): Promise<string[]> {
  const out = await kubectl([
    'logs',
    '-n',
    namespace,
    `deployment/${SERVICE}`,
    '--container',
    'api',
  ]);
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; path?: string })
    .filter((e) => e.msg === 'request')
    .map((e) => e.path!);
}

const CHECKS = {
  'health-fields': 'status=Healthy\nchecks.kernel.status=Healthy',
  'required-metrics': 'hotswap_http_requests_total, process_cpu_seconds_total',
  'metric-conditions': 'hotswap_http_requests_total{route="/health",code="200"} >= 1',
};

beforeAll(async () => {
  namespace = await createNamespace('smoke-kind');
  const run = await runDeployAction('deploy', deployInputs(workspace, namespace, RELEASE), {
    workspace,
  });
  expect(run.outputs.status, log(run)).toBe('deployed');
});
afterAll(async () => {
  if (namespace) await deleteNamespace(namespace);
});

describe('smoke-test through the cluster, on real pods', () => {
  test('kubectl port-forward to the Service: the pod serves /health and its real /metrics', async () => {
    const before = (await servedPaths()).length;
    const run = await smokeTest(namespace, RELEASE, workspace, CHECKS);
    expect(run.code, log(run)).toBe(0);
    const report = reportOf(run);
    expect(report.target).toBe(`kubectl port-forward service/${SERVICE} in namespace ${namespace}`);
    expect(report.checks.map((c) => [c.name, c.passed, c.status])).toEqual([
      ['health', true, 200],
      ['metrics', true, 200],
    ]);
    for (const check of report.checks)
      expect(check.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(health|metrics)$/);
    expect(run.stdout).toMatch(/port-forward: Forwarding from 127\.0\.0\.1:\d+ -> 5000/);
    // The container answered: its own log has the requests.
    const served = (await servedPaths()).slice(before);
    expect(served).toEqual(expect.arrayContaining(['/health', '/metrics']));
  });

  test('the in-cluster curl Pod, through kubectl exec, reaches the Service by its cluster DNS name', async () => {
    const before = (await servedPaths()).length;
    const run = await smokeTest(namespace, RELEASE, workspace, {
      ...CHECKS,
      target: 'pod',
      'curl-image': images().curl,
    });
    expect(run.code, log(run)).toBe(0);
    const report = reportOf(run);
    expect(report.target).toMatch(
      new RegExp(
        `^curl Pod \\(${images().curl}\\) in namespace ${namespace} → service/${SERVICE} \\(Pod \\S+\\)$`,
      ),
    );
    expect(report.checks.map((c) => [c.name, c.passed, c.status])).toEqual([
      ['health', true, 200],
      ['metrics', true, 200],
    ]);
    expect(report.checks[0]!.url).toMatch(
      new RegExp(`^http://${SERVICE}\\.${namespace}\\.svc[.:/]`),
    );
    expect(report.checks[1]!.url).toMatch(/:5000\/metrics$/);
    expect((await servedPaths()).slice(before)).toEqual(
      expect.arrayContaining(['/health', '/metrics']),
    );
  });

  test('a NetworkPolicy cutting the curl Pod off fails the smoke test naming the target', async (ctx) => {
    // Egress of the smoke test's curl Pods: DNS only.
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'curl-cut-off', namespace },
      spec: {
        podSelector: { matchLabels: CURL_POD_LABELS },
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    };
    await kubectl(['apply', '-f', '-'], JSON.stringify(policy));
    try {
      const enforced = await policyEnforced();
      if (!enforced.yes) {
        console.warn(`skipped: ${enforced.why}`);
        ctx.skip(enforced.why);
        return;
      }
      const run = await smokeTest(namespace, RELEASE, workspace, {
        target: 'pod',
        'curl-image': images().curl,
        timeout: '30s',
      });
      expect(run.code, log(run)).not.toBe(0);
      expect(run.outputs.passed).toBe('false');
      const error = run.stdout.split('\n').find((l) => l.startsWith('::error'));
      expect(error, log(run)).toContain(`service/${SERVICE}`);
      expect(error).toMatch(/curl Pod/);
    } finally {
      await kubectl([
        'delete',
        'networkpolicy',
        'curl-cut-off',
        '-n',
        namespace,
        '--ignore-not-found',
      ]);
    }
  });
});

/**
 * Whether the CNI enforces the policy: a probe Pod with the curl Pods' labels
 * (so the policy applies to it) tries the Service. Reaching it means the
 * policy is not enforced here.
 */
async function policyEnforced(): Promise<{ yes: boolean; why: string }> {
  const name = 'policy-probe';
  const labels = Object.entries(CURL_POD_LABELS)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  await kubectl([
    'run',
    name,
    '-n',
    namespace,
    `--image=${images().curl}`,
    '--image-pull-policy=IfNotPresent',
    `--labels=${labels}`,
    '--restart=Never',
    '--command',
    '--',
    'sleep',
    '300',
  ]);
  try {
    await kubectl([
      'wait',
      '-n',
      namespace,
      '--for=condition=Ready',
      `pod/${name}`,
      '--timeout=120s',
    ]);
    const url = `http://${SERVICE}.${namespace}.svc.cluster.local:80/health`;
    const reached = await kubectl([
      'exec',
      '-n',
      namespace,
      name,
      '--',
      'sh',
      '-c',
      `curl -s -o /dev/null -w '%{http_code}' --max-time 5 ${url} || true`,
    ]);
    return reached.trim() === '200'
      ? {
          yes: false,
          why: `this cluster's CNI does not enforce NetworkPolicy: a Pod the policy cuts off still got HTTP 200 from ${url}`,
        }
      : { yes: true, why: `the policy holds: the probe got '${reached.trim()}' from ${url}` };
  } finally {
    await kubectl(['delete', 'pod', name, '-n', namespace, '--wait=false', '--ignore-not-found']);
  }
}
