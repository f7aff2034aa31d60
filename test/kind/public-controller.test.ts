// A public controller under its own public chart, on real pods:
// kube-state-metrics (built from its Go module, scripts/chart-images.sh)
// deployed with the prometheus-community chart (vendored unchanged,
// test/fixtures/charts) by the deploy bundle. Its pod reads the API server
// with the ServiceAccount and ClusterRole the chart creates, turns Ready on the
// chart's /livez and /readyz probes, and the smoke-test bundle finds in its
// /metrics what it read from the cluster: its own Deployment available. An
// upgrade asking for a collector it does not have makes the binary refuse to
// start: the deploy must call it failed, roll back and bring the pod back
// Ready on the good revision.
import { expect, test } from 'vitest';
import {
  deployPublicChart,
  history,
  images,
  makeWorkspace,
  publicChartNamespace,
  releasePods,
  shown,
  smokeThroughService,
  type DeployRun,
} from './support.js';

const RELEASE = 'ksm';
const DEPLOYMENT = `${RELEASE}-kube-state-metrics`;
const workspace = makeWorkspace();

const namespace = publicChartNamespace('public-ctl', RELEASE);

function deploy(extra: Record<string, unknown> = {}): Promise<DeployRun> {
  const o = {
    release: RELEASE,
    chart: 'kube-state-metrics',
    namespace: namespace.name,
    image: images().kubeStateMetrics,
  };
  return deployPublicChart(workspace, o, {
    resources: { requests: { cpu: '10m', memory: '32Mi' } },
    ...extra,
  });
}

function smoke(): Promise<DeployRun> {
  return smokeThroughService(workspace, {
    namespace: namespace.name,
    service: DEPLOYMENT,
    port: '8080',
    'health-path': '/livez',
    'metrics-port': '8080',
    'required-metrics': 'kube_deployment_status_replicas_available,kube_pod_info',
    // What it read from the API server: its own Deployment, one replica available.
    'metric-conditions': `kube_deployment_status_replicas_available{namespace="${namespace.name}",deployment="${DEPLOYMENT}"} == 1`,
  });
}

test('installs Ready, reads the cluster, and passes the smoke test at its own /livez and /metrics', async () => {
  const run = await deploy();
  expect(run.code, shown(run)).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  expect(run.outputs.warnings).toBe('');
  const pods = await releasePods(namespace.name, RELEASE, 'kube-state-metrics');
  expect(pods).toHaveLength(1);
  expect(pods[0]!.ready).toBe(true);

  const check = await smoke();
  expect(check.code, shown(check)).toBe(0);
  expect(check.outputs.passed).toBe('true');
});

test('an upgrade asking for a collector it does not have is rolled back to a Ready pod', async () => {
  const good = await deploy();
  expect(good.outputs.status, shown(good)).toBe('deployed');
  const revision = (await history(RELEASE, namespace.name)).length;

  const bad = await deploy({ collectors: ['deployments', 'pods', 'nosuchresource'] });
  expect(bad.code, shown(bad)).not.toBe(0);
  expect(bad.outputs.status).toBe('rolled-back');
  expect(bad.outputs['rolled-back-to']).toBe(String(revision));
  // The new pod's own failure, as the kubelet reported it.
  expect(shown(bad)).toMatch(new RegExp(`Pod/${DEPLOYMENT}-[\\w-]+ \\| CrashLoopBackOff`));

  const records = await history(RELEASE, namespace.name);
  expect(records.slice(revision).map((r) => r.status)).toEqual(['superseded', 'deployed']);
  expect(records.at(-1)!.description).toMatch(/^Rollback to /);
  const pods = await releasePods(namespace.name, RELEASE, 'kube-state-metrics');
  expect(pods).toHaveLength(1);
  expect(pods[0]!.ready).toBe(true);
  expect(pods[0]!.args.join(' ')).not.toContain('nosuchresource');

  const check = await smoke();
  expect(check.code, shown(check)).toBe(0);
  expect(check.outputs.passed).toBe('true');
});
