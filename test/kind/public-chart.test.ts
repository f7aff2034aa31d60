// A public application under its own public chart, on real pods: Alertmanager
// (built from its Go module, scripts/chart-images.sh) deployed with the
// prometheus-community chart (vendored unchanged, test/fixtures/charts) by
// the deploy bundle, then checked by the smoke-test bundle at its real
// /-/healthy and /metrics. An upgrade that makes the binary refuse to start
// (a flag it does not know) crash-loops its StatefulSet pod on the kubelet:
// the deploy must call it failed, roll back and bring the pod back Ready on
// the good revision. The chart writes the secret value into a ConfigMap, so
// the diff of a rotated secret must hide both the old and the new value.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { splitImage } from '../support/docker.js';
import {
  createNamespace,
  deleteNamespace,
  history,
  images,
  kubectl,
  makeWorkspace,
  runDeployAction,
  shown,
  smokeThroughService,
  valuesFile,
  type DeployRun,
} from './support.js';

const RELEASE = 'am';
const POD = `${RELEASE}-alertmanager-0`;
let namespace: string;
const workspace = makeWorkspace();

beforeAll(async () => {
  namespace = await createNamespace('public-chart');
});
afterAll(async () => deleteNamespace(namespace));

/** A secret value the chart puts into its ConfigMap (a Slack webhook URL). */
const webhook = () =>
  `https://hooks.slack.invalid/services/T0/B0/tok${randomBytes(8).toString('hex')}`;

function deploy(secretUrl: string, extra: Record<string, unknown> = {}): Promise<DeployRun> {
  const values = valuesFile(workspace, `alertmanager-${randomBytes(3).toString('hex')}`, {
    image: { ...splitImage(images().alertmanager), pullPolicy: 'IfNotPresent' },
    persistence: { enabled: false },
    resources: { requests: { cpu: '10m' } },
    ...extra,
  });
  return runDeployAction(
    'deploy',
    {
      release: RELEASE,
      chart: 'test-charts/alertmanager',
      namespace,
      'values-files': values,
      'secret-values': `config:\n  global:\n    slack_api_url: ${secretUrl}\n`,
      timeout: '4m',
    },
    { workspace },
  );
}

function smoke(): Promise<DeployRun> {
  return smokeThroughService(workspace, {
    namespace,
    service: `${RELEASE}-alertmanager`,
    port: '9093',
    'health-path': '/-/healthy',
    'metrics-port': '9093',
    'required-metrics': 'alertmanager_build_info',
    'metric-conditions': 'alertmanager_build_info{version="0.34.0"} == 1',
  });
}

async function pod(): Promise<{ args: string[]; ready: boolean }> {
  const p = JSON.parse(await kubectl(['get', 'pod', POD, '-n', namespace, '-o', 'json'])) as {
    spec: { containers: { name: string; args?: string[] }[] };
    status: { conditions?: { type: string; status: string }[] };
  };
  return {
    args: p.spec.containers.find((c) => c.name === 'alertmanager')?.args ?? [],
    ready: !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  };
}

test('installs Ready and passes the smoke test at its own /-/healthy and /metrics', async () => {
  const secret = webhook();
  const run = await deploy(secret);
  expect(run.code, shown(run)).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  expect(run.stdout).toContain(`::add-mask::${secret}`);
  expect(shown(run)).not.toContain(secret);
  expect(await pod()).toMatchObject({ ready: true });

  const check = await smoke();
  expect(check.code, shown(check)).toBe(0);
  expect(check.outputs.passed).toBe('true');
});

test('an upgrade whose binary refuses to start is rolled back to Ready pods, the rotated secret hidden', async () => {
  const before = webhook();
  const good = await deploy(before);
  expect(good.outputs.status, shown(good)).toBe('deployed');
  const revision = (await history(RELEASE, namespace)).length;

  const after = webhook();
  const bad = await deploy(after, { extraArgs: { 'no.such.flag': 'on' } });
  expect(bad.code, shown(bad)).not.toBe(0);
  expect(bad.outputs.status).toBe('rolled-back');
  // The pod's own failure, as the kubelet reported it.
  expect(shown(bad)).toMatch(/CrashLoopBackOff|restart|exited/i);
  for (const secret of [before, after]) expect(shown(bad)).not.toContain(secret);

  const records = await history(RELEASE, namespace);
  expect(records.slice(revision).map((r) => r.status)).toEqual(['superseded', 'deployed']);
  expect(records.at(-1)!.description).toMatch(/^Rollback to /);
  // The controller does not replace a pod of the broken revision that never
  // turned Ready once the template is reverted: the rollback deleted it.
  expect(bad.stdout).toMatch(/deleting pod\(s\) am-alertmanager-0 of the broken revision/);
  // Its replacement is Ready, without the flag.
  const now = await pod();
  expect(now.ready).toBe(true);
  expect(now.args.join(' ')).not.toContain('no.such.flag');
  // The rollback restored the configuration holding the earlier secret.
  const config = await kubectl([
    'get',
    'configmap',
    `${RELEASE}-alertmanager`,
    '-n',
    namespace,
    '-o',
    'jsonpath={.data.alertmanager\\.yml}',
  ]);
  expect(config).toContain(before);

  const check = await smoke();
  expect(check.code, shown(check)).toBe(0);
  expect(check.outputs.passed).toBe('true');
});
