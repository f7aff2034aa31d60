// A public DaemonSet under its own public chart, on real pods: Prometheus
// node_exporter (built from its Go module, scripts/chart-images.sh) deployed
// with the prometheus-community chart (vendored unchanged, test/fixtures/charts)
// by the deploy bundle, on the node's own network and file systems as the
// chart sets it up, then checked by the smoke-test bundle at its real / and
// /metrics. An upgrade that makes the binary refuse to start (a flag it does
// not know) crash-loops the DaemonSet's pod on the kubelet: the deploy must
// call it failed, roll back and bring the pod back Ready on the good revision.
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

const RELEASE = 'nodes';
const DAEMONSET = `${RELEASE}-prometheus-node-exporter`;
const workspace = makeWorkspace();

const namespace = publicChartNamespace('public-ds', RELEASE);

function deploy(extra: Record<string, unknown> = {}): Promise<DeployRun> {
  const o = {
    release: RELEASE,
    chart: 'prometheus-node-exporter',
    namespace: namespace.name,
    image: images().nodeExporter,
  };
  return deployPublicChart(workspace, o, { resources: { requests: { cpu: '10m' } }, ...extra });
}

function smoke(): Promise<DeployRun> {
  return smokeThroughService(workspace, {
    namespace: namespace.name,
    service: DAEMONSET,
    port: '9100',
    'health-path': '/',
    'metrics-port': '9100',
    'required-metrics': 'node_exporter_build_info,node_cpu_seconds_total',
    'metric-conditions': 'node_exporter_build_info{version="1.12.1"} == 1',
  });
}

test('installs Ready on the node and passes the smoke test at its own / and /metrics', async () => {
  const run = await deploy();
  expect(run.code, shown(run)).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  expect(run.outputs.warnings).toBe('');
  const pods = await releasePods(namespace.name, RELEASE, 'node-exporter');
  expect(pods).toHaveLength(1);
  expect(pods[0]!.ready).toBe(true);

  const check = await smoke();
  expect(check.code, shown(check)).toBe(0);
  expect(check.outputs.passed).toBe('true');
});

test('an upgrade whose binary refuses to start is rolled back to a Ready pod', async () => {
  const good = await deploy();
  expect(good.outputs.status, shown(good)).toBe('deployed');
  const revision = (await history(RELEASE, namespace.name)).length;

  const bad = await deploy({ extraArgs: ['--no-such.flag'] });
  expect(bad.code, shown(bad)).not.toBe(0);
  expect(bad.outputs.status).toBe('rolled-back');
  expect(bad.outputs['rolled-back-to']).toBe(String(revision));
  // The pod's own failure, as the kubelet reported it.
  expect(shown(bad)).toMatch(new RegExp(`Pod/${DAEMONSET}-\\w+ \\| CrashLoopBackOff`));

  const records = await history(RELEASE, namespace.name);
  expect(records.slice(revision).map((r) => r.status)).toEqual(['superseded', 'deployed']);
  expect(records.at(-1)!.description).toMatch(/^Rollback to /);
  // The DaemonSet's pod of the restored revision is Ready, without the flag.
  const pods = await releasePods(namespace.name, RELEASE, 'node-exporter');
  expect(pods).toHaveLength(1);
  expect(pods[0]!.ready).toBe(true);
  expect(pods[0]!.args.join(' ')).not.toContain('no-such');

  const check = await smoke();
  expect(check.code, shown(check)).toBe(0);
  expect(check.outputs.passed).toBe('true');
});
