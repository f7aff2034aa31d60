// An aggregated API under its own public chart, on real pods: metrics-server
// (built from its Go module, scripts/chart-images.sh) deployed with the
// kubernetes-sigs chart (vendored unchanged, test/fixtures/charts) by the
// deploy bundle. Its pod scrapes the kubelet and the API server serves what it
// found under metrics.k8s.io through the chart's APIService. An upgrade that
// only makes the API server distrust the pod's certificate leaves every pod
// Ready: helm's own --wait calls it deployed, while the metrics API is gone.
// The deploy must wait on the APIService, call it failed with the API
// server's reason, roll back, and the metrics API answer again.
import { expect, test } from 'vitest';
import {
  deployPublicChart,
  helm,
  history,
  images,
  kubectl,
  makeWorkspace,
  publicChartNamespace,
  releasePods,
  shown,
  type DeployRun,
} from './support.js';

const RELEASE = 'metrics';
const API_SERVICE = 'v1beta1.metrics.k8s.io';
const workspace = makeWorkspace();

const namespace = publicChartNamespace('public-api', RELEASE);

function deploy(extra: Record<string, unknown> = {}, timeout?: string): Promise<DeployRun> {
  const o = {
    release: RELEASE,
    chart: 'metrics-server',
    namespace: namespace.name,
    image: images().metricsServer,
    wholeRepository: true,
    timeout,
  };
  return deployPublicChart(workspace, o, {
    // kind's kubelets serve a self-signed certificate.
    args: ['--kubelet-insecure-tls'],
    resources: { requests: { cpu: '10m', memory: '32Mi' } },
    ...extra,
  });
}

/** The APIService's Available condition, as the API server sets it. */
async function available(): Promise<{ status: string; reason?: string; message?: string }> {
  const o = JSON.parse(await kubectl(['get', 'apiservice', API_SERVICE, '-o', 'json'])) as {
    status?: { conditions?: { type: string; status: string; reason?: string }[] };
  };
  return o.status?.conditions?.find((c) => c.type === 'Available') ?? { status: 'Unknown' };
}

/** The node metrics the API server serves through the APIService (the first scrape may lag). */
async function nodeMetrics(): Promise<{ items: { usage: { cpu: string; memory: string } }[] }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return JSON.parse(await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

test('installs Ready, its APIService Available, and the API server serves node metrics', async () => {
  const run = await deploy();
  expect(run.code, shown(run)).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  // The deploy waited for the API server's own check, not just the pod.
  expect(await available()).toMatchObject({ status: 'True' });
  const pods = await releasePods(namespace.name, RELEASE, 'metrics-server');
  expect(pods).toHaveLength(1);
  expect(pods[0]!.ready).toBe(true);
  const metrics = await nodeMetrics();
  expect(metrics.items.length).toBeGreaterThan(0);
  expect(metrics.items[0]!.usage.memory).toMatch(/^\d+Ki$/);
});

test('an upgrade whose APIService the API server cannot trust is failed and rolled back', async () => {
  const good = await deploy();
  expect(good.outputs.status, shown(good)).toBe('deployed');
  const revision = (await history(RELEASE, namespace.name)).length;

  // No CA bundle and no skip: the API server cannot verify the pod's
  // self-signed certificate. The Deployment does not change.
  const bad = await deploy({ apiService: { insecureSkipTLSVerify: false } }, '45s');
  expect(bad.code, shown(bad)).not.toBe(0);
  expect(bad.outputs.status).toBe('rolled-back');
  expect(bad.outputs['rolled-back-to']).toBe(String(revision));
  expect(shown(bad)).toMatch(
    /did not become ready within 45s: waiting for APIService\/v1beta1\.metrics\.k8s\.io: Available is False \(FailedDiscoveryCheck: [^)]*x509/,
  );

  const records = await history(RELEASE, namespace.name);
  expect(records.slice(revision).map((r) => r.status)).toEqual(['superseded', 'deployed']);
  expect(await available()).toMatchObject({ status: 'True' });
  expect((await nodeMetrics()).items.length).toBeGreaterThan(0);
});

test("helm's own --wait calls the same upgrade deployed while the metrics API is down", async () => {
  await helm([
    'upgrade',
    RELEASE,
    `${workspace}/test-charts/metrics-server`,
    '-n',
    namespace.name,
    '--reuse-values',
    '--set',
    'apiService.insecureSkipTLSVerify=false',
    '--wait',
    '--timeout',
    '60s',
  ]);
  expect((await history(RELEASE, namespace.name)).at(-1)!.status).toBe('deployed');
  const deadline = Date.now() + 30_000;
  while ((await available()).status === 'True' && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 1000));
  expect(await available()).toMatchObject({ status: 'False', reason: 'FailedDiscoveryCheck' });
});
