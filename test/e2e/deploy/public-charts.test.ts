// Public charts we did not write (test/fixtures/charts/*, see each UPSTREAM.md),
// deployed through the bundled deploy action as a user's workflow would: a
// healthy install ends `deployed`; an upgrade whose pods crash-loop, and one
// whose image cannot be pulled, end `rolled-back` with no pod of the broken
// revision left and the summary naming the failing object; an upgrade that an
// OnDelete strategy leaves unrolled ends `deployed` with a warning line, or
// `rolled-back` under require-rollout; a release with a plain Job stays
// `deployed` through a stability window. One namespace per chart, charts side by
// side: each chart's steps run in order.
import { afterAll, describe, expect, it } from 'vitest';
import { kubectlJson, type Pod } from '../support.js';
import {
  helm,
  history,
  kubectl,
  makeWorkspace,
  runDeployAction,
  type DeployRun,
} from './harness.js';

const workspace = makeWorkspace();
const SIMULATE = 'hotswap.dev/simulate';

interface ChartCase {
  /** Folder under test/fixtures/charts. */
  chart: string;
  release: string;
  /** Value path of the pod annotations map. */
  podAnnotations: string;
  /** Value path of the image mapping, when it is not `image`. */
  imageValues?: string;
  /** A tag the chart accepts for the image-pull upgrade. */
  badTag: string;
  /** Names of the release's pods start with this. */
  podPrefix: string;
  /** Extra --set lines for every deploy of this release. */
  set?: string[];
  /** Extra inputs for every deploy of this release. */
  inputs?: Record<string, string>;
  /** Claims that must be Bound after the install. */
  claims?: string[];
  broken: boolean;
  /** False when a new image tag cannot be applied at all (see the case). */
  imagePull?: boolean;
  onDelete?: { set: string[]; object: string; strict: boolean };
  afterInstall?: (namespace: string, run: DeployRun) => Promise<void>;
}

const CASES: ChartCase[] = [
  {
    // Only app.kubernetes.io/name on its objects; hook Jobs around install and upgrade.
    chart: 'podinfo',
    release: 'web',
    podAnnotations: 'podAnnotations',
    badTag: '6.14.1-missing',
    podPrefix: 'web-podinfo-',
    broken: true,
    afterInstall: async (namespace) => {
      // The pre-install hook Job ran to completion (helm deleted it after: hook-succeeded).
      const events = await kubectlJson<{
        items: { reason: string; involvedObject: { kind: string; name: string } }[];
      }>(['-n', namespace, 'get', 'events', '--field-selector', 'involvedObject.kind=Job']);
      expect(
        events.items
          .filter((e) => e.involvedObject.name === 'web-podinfo-pre-install')
          .map((e) => e.reason),
      ).toContain('Completed');
    },
  },
  {
    // StatefulSet, RollingUpdate, a claim per pod.
    chart: 'alertmanager',
    release: 'alerts',
    podAnnotations: 'podAnnotations',
    badTag: 'v0.34.0-missing',
    podPrefix: 'alerts-alertmanager-',
    claims: ['storage-alerts-alertmanager-0'],
    broken: true,
  },
  {
    // DaemonSet; its updateStrategy is a value (OnDelete here for the warning case).
    chart: 'prometheus-node-exporter',
    release: 'nodes',
    podAnnotations: 'podAnnotations',
    badTag: '1.12.1-missing',
    podPrefix: 'nodes-prometheus-node-exporter-',
    broken: true,
    onDelete: {
      set: ['updateStrategy.type=OnDelete', 'podAnnotations.hotswap\\.dev/config=v2'],
      object: 'DaemonSet/nodes-prometheus-node-exporter',
      strict: false,
    },
  },
  {
    // CRDs and custom resources (an IngressRoute and a TLSOption).
    chart: 'traefik',
    release: 'edge',
    podAnnotations: 'deployment.podAnnotations',
    badTag: 'v3.7.10',
    podPrefix: 'edge-traefik-',
    broken: true,
    afterInstall: async (namespace) => {
      const routes = await kubectlJson<{ items: { metadata: { name: string } }[] }>([
        '-n',
        namespace,
        'get',
        'ingressroutes.traefik.io,tlsoptions.traefik.io',
      ]);
      expect(routes.items.map((r) => r.metadata.name).sort()).toEqual(['edge-dashboard', 'modern']);
    },
  },
  {
    // StatefulSet whose strategy is a value: RollingUpdate chosen here.
    chart: 'vault',
    release: 'vault-ru',
    podAnnotations: 'server.annotations',
    imageValues: 'server.image',
    badTag: '2.0.4-missing',
    podPrefix: 'vault-ru-',
    set: ['server.updateStrategyType=RollingUpdate'],
    claims: ['data-vault-ru-0'],
    broken: true,
  },
  {
    // The same chart as its users get it: OnDelete.
    chart: 'vault',
    release: 'secrets',
    podAnnotations: 'server.annotations',
    imageValues: 'server.image',
    badTag: '2.0.4-missing',
    podPrefix: 'secrets-vault-',
    claims: ['data-secrets-vault-0'],
    broken: false,
    onDelete: {
      set: ['server.annotations.hotswap\\.dev/config=v2'],
      object: 'StatefulSet/secrets-vault',
      strict: true,
    },
  },
  {
    // A plain Job (a release object, not a hook) and a CronJob next to the
    // Deployment; stable-for on: the Job's pod, done and never Ready again,
    // is not a pod that broke after Ready.
    chart: 'application',
    release: 'shop',
    podAnnotations: 'deployment.additionalPodAnnotations',
    imageValues: 'deployment.image',
    badTag: '6.14.1-missing',
    podPrefix: 'shop-',
    inputs: { 'stable-for': '5s' },
    broken: true,
    // The chart writes the image tag into every object's version label, the
    // Job's pod template too, which is immutable: helm itself refuses a new tag.
    imagePull: false,
    afterInstall: async (namespace, run) => {
      // The window ran, with the Job's pod among the pods it watched.
      expect(run.stdout).toContain('Ready; watching that it stays so for 5s');
      // The CronJob is there, and the summary says its runs were not awaited.
      expect(run.summary).toContain(
        '> ℹ️ **Not judged:** CronJob/shop-report: its Jobs run on its schedule, not awaited by the deploy',
      );
      const job = await kubectlJson<{
        status: { succeeded?: number; conditions?: { type: string; status: string }[] };
      }>(['-n', namespace, 'get', 'job', 'shop-migrate']);
      expect(job.status.succeeded).toBe(1);
      const pods = await kubectlJson<{ items: { status: { phase: string } }[] }>([
        '-n',
        namespace,
        'get',
        'pods',
        '-l',
        'batch.kubernetes.io/job-name=shop-migrate',
      ]);
      expect(pods.items.map((p) => p.status.phase)).toEqual(['Succeeded']);
      await kubectl(['-n', namespace, 'get', 'cronjob', 'shop-report']);
    },
  },
];

function inputs(c: ChartCase, namespace: string, extra: Record<string, string> = {}) {
  const set = [...(c.set ?? []), ...(extra.set ? [extra.set] : [])].join('\n');
  return {
    release: c.release,
    chart: `test-charts/${c.chart}`,
    namespace,
    'values-files': `test-charts/${c.chart}/ci/kwok-values.yaml`,
    diff: 'false',
    timeout: '2m',
    'crash-loop-restarts': '1',
    ...(c.imageValues ? { 'image-values': c.imageValues } : {}),
    ...c.inputs,
    ...extra,
    set,
  };
}

/** Pods of a broken revision still there: they carry the simulate annotation. */
async function brokenPods(namespace: string): Promise<string[]> {
  const list = await kubectlJson<{ items: (Pod & { metadata: { deletionTimestamp?: string } })[] }>(
    ['-n', namespace, 'get', 'pods'],
  );
  return list.items
    .filter((p) => p.metadata.annotations?.[SIMULATE] && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name);
}

function expectRolledBack(run: DeployRun, c: ChartCase, reason: RegExp): void {
  expect(run.code, run.stdout).toBe(1);
  expect(run.outputs.status, run.stdout).toBe('rolled-back');
  // The summary names the failing object (the pod or its workload) and why.
  expect(run.summary).toMatch(
    new RegExp(`(Pod|Deployment|StatefulSet|DaemonSet)/${c.podPrefix.replace(/-$/, '')}`),
  );
  expect(run.summary).toMatch(reason);
}

const installed: { release: string; namespace: string }[] = [];
afterAll(async () => {
  // Uninstall first: the charts' cluster-scoped objects (IngressClass,
  // ClusterRoleBinding...) outlive their namespace and would block the next
  // run on a reused cluster.
  await Promise.all(
    installed.map(async ({ release, namespace }) => {
      await helm(['uninstall', release, '-n', namespace]).catch(() => {});
      // Claims of volumeClaimTemplates outlive the release; their volumes (and the
      // provisioner's directories) go with them while the cluster still runs.
      await kubectl(['-n', namespace, 'delete', 'pvc', '--all', '--timeout=60s']).catch(() => {});
      await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
    }),
  );
});

/** Runs one named step of a chart's scenario; a failure says which step it was. */
async function step(c: ChartCase, name: string, fn: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await fn();
  } catch (error) {
    (error as Error).message = `${c.chart} (${c.release}): ${name}: ${(error as Error).message}`;
    throw error;
  } finally {
    console.log(
      `${c.chart} (${c.release}): ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

async function scenario(c: ChartCase): Promise<void> {
  const namespace = `pub-${c.release}-${process.pid}`;
  let good = 0;

  await step(c, 'a healthy install ends deployed', async () => {
    await kubectl(['create', 'namespace', namespace]);
    installed.push({ release: c.release, namespace });
    const run = await runDeployAction('deploy', inputs(c, namespace), { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.stdout).not.toMatch(/::warning::/);
    good = Number(run.outputs.revision);
    expect((await history(c.release, namespace)).map((r) => r.status)).toEqual(['deployed']);
    for (const claim of c.claims ?? []) {
      const pvc = await kubectlJson<{ status: { phase: string } }>([
        '-n',
        namespace,
        'get',
        'pvc',
        claim,
      ]);
      expect(pvc.status.phase, claim).toBe('Bound');
    }
    await c.afterInstall?.(namespace, run);
  });

  if (c.broken) {
    await step(c, 'a crash-looping upgrade is rolled back', async () => {
      const run = await runDeployAction(
        'deploy',
        inputs(c, namespace, { set: `${c.podAnnotations}.hotswap\\.dev/simulate=crash-loop` }),
        { workspace },
      );
      expectRolledBack(run, c, /CrashLoopBackOff/);
      expect(run.outputs['rolled-back-to']).toBe(String(good));
      expect(await brokenPods(namespace)).toEqual([]);
      good = (await history(c.release, namespace)).at(-1)!.revision;
    });
  }

  if (c.broken && c.imagePull !== false) {
    await step(c, 'an upgrade to an image that cannot be pulled is rolled back', async () => {
      const run = await runDeployAction(
        'deploy',
        inputs(c, namespace, {
          set: `${c.podAnnotations}.hotswap\\.dev/simulate=image-pull`,
          'image-tag': c.badTag,
        }),
        { workspace },
      );
      expectRolledBack(run, c, /ErrImagePull|ImagePullBackOff/);
      // image-values took the tag to the chart's own image mapping.
      expect(run.summary).toContain(c.badTag);
      expect(run.outputs['rolled-back-to']).toBe(String(good));
      expect(await brokenPods(namespace)).toEqual([]);
      good = (await history(c.release, namespace)).at(-1)!.revision;
    });
  }

  const onDelete = c.onDelete;
  if (onDelete?.strict) {
    await step(c, 'an unrolled OnDelete upgrade is rolled back under require-rollout', async () => {
      const run = await runDeployAction(
        'deploy',
        inputs(c, namespace, { set: onDelete.set.join('\n'), 'require-rollout': 'true' }),
        { workspace },
      );
      expect(run.code, run.stdout).toBe(1);
      expect(run.outputs.status, run.stdout).toBe('rolled-back');
      expect(run.outputs['rolled-back-to']).toBe(String(good));
      expect(run.summary).toContain(onDelete.object);
      expect(run.summary).toMatch(/OnDelete/);
      good = (await history(c.release, namespace)).at(-1)!.revision;
    });
  }
  if (onDelete) {
    await step(c, 'an unrolled OnDelete upgrade ends deployed with a warning', async () => {
      const run = await runDeployAction(
        'deploy',
        inputs(c, namespace, { set: onDelete.set.join('\n') }),
        { workspace },
      );
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.status).toBe('deployed');
      const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning'));
      expect(warnings.join('\n')).toContain(onDelete.object);
      expect(warnings.join('\n')).toMatch(/OnDelete/);
      expect(run.summary).toContain(onDelete.object);
      expect(Number(run.outputs.revision)).toBeGreaterThan(good);
    });
  }
}

// One lane per chart, side by side; a lane's steps build on each other.
const LANES = [['web'], ['alerts', 'secrets'], ['nodes'], ['edge'], ['vault-ru'], ['shop']];

describe('public charts through the deploy action', () => {
  for (const lane of LANES) {
    const cases = lane.map((release) => CASES.find((c) => c.release === release)!);
    it.concurrent(
      cases.map((c) => `${c.chart} (${c.release})`).join(', then '),
      async () => {
        for (const c of cases) await scenario(c);
      },
      600_000,
    );
  }
});
