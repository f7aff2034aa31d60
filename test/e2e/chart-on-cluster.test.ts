// The real chart on the kwok cluster with real helm 4 and helm 3: install with
// --wait, helm test, upgrade (the generated PostgreSQL password survives it:
// the chart's lookup path needs a live API server), rollback, a deploy that
// crash-loops, and server-side dry runs of every environment under the
// restricted Pod Security profile.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Helm, type HelmMajor } from '../../src/helm/helm.js';
import {
  CHART_DIR,
  ENVIRONMENTS_DIR,
  renderChart,
  type Rendered,
  type Workload,
} from '../support/chart.js';
import { toolPath } from '../support/tools.js';
import {
  condition,
  createNamespace,
  deleteNamespace,
  kubeconfig,
  kubectl,
  kubectlJson,
  pods,
  waitFor,
} from './support.js';

const DEV_VALUES = path.join(ENVIRONMENTS_DIR, 'dev.yaml');
let helmHome: string;

beforeAll(async () => {
  helmHome = await mkdtemp(path.join(tmpdir(), 'hotswap-e2e-helm-'));
});
afterAll(async () => {
  if (helmHome) await rm(helmHome, { recursive: true, force: true });
});

function helm(major: HelmMajor): Helm {
  return new Helm({
    bin: toolPath(major === 4 ? 'helm' : 'helm3'),
    major,
    kubeconfig: kubeconfig(),
    env: {
      HELM_CACHE_HOME: path.join(helmHome, `${major}`, 'cache'),
      HELM_CONFIG_HOME: path.join(helmHome, `${major}`, 'config'),
      HELM_DATA_HOME: path.join(helmHome, `${major}`, 'data'),
    },
  });
}

async function secretValue(ns: string, name: string, key: string): Promise<string> {
  const secret = await kubectlJson<{ data: Record<string, string> }>([
    '-n',
    ns,
    'get',
    'secret',
    name,
  ]);
  return Buffer.from(secret.data[key] ?? '', 'base64').toString();
}

async function logLevel(ns: string, release: string): Promise<string> {
  const cm = await kubectlJson<{ data: Record<string, string> }>([
    '-n',
    ns,
    'get',
    'configmap',
    `${release}-hotswap-config`,
  ]);
  return JSON.stringify(cm.data);
}

describe.each([4, 3] as const)('helm %i', (major) => {
  const release = 'hs';
  let ns: string;
  let h: Helm;
  beforeAll(async () => {
    ns = await createNamespace(`chart-helm${major}`);
    h = helm(major);
  });
  afterAll(async () => {
    if (ns) await deleteNamespace(ns);
  });

  it('installs the dev environment with upgrade --install --wait', async () => {
    const result = await h.run([
      'upgrade',
      '--install',
      release,
      CHART_DIR,
      '-n',
      ns,
      '-f',
      DEV_VALUES,
      '--wait',
      '--timeout',
      '3m',
    ]);
    expect(result.stdout).toMatch(/STATUS: deployed/);
    const history = await h.history(release, ns);
    expect(history.map((r) => [r.revision, r.status])).toEqual([[1, 'deployed']]);
    const api = await pods(
      ns,
      `app.kubernetes.io/instance=${release},app.kubernetes.io/name=hotswap`,
    );
    expect(api.length).toBeGreaterThan(0);
    for (const pod of api) expect(condition(pod, 'Ready')?.status).toBe('True');
    const deployment = await kubectlJson<{ status: { availableReplicas?: number } }>([
      '-n',
      ns,
      'get',
      'deployment',
      `${release}-hotswap`,
    ]);
    expect(deployment.status.availableReplicas).toBe(1);
  });

  it('helm test runs the test pod to completion', async () => {
    const result = await h.run(['test', release, '-n', ns, '--timeout', '2m']);
    expect(result.stdout).toMatch(/Phase:\s+Succeeded/);
  });

  it('an upgrade keeps the PostgreSQL password generated on install', async () => {
    const generated = await secretValue(ns, `${release}-postgresql`, 'password');
    expect(generated).toMatch(/^[A-Za-z0-9]{32}$/);
    await h.run([
      'upgrade',
      release,
      CHART_DIR,
      '-n',
      ns,
      '-f',
      DEV_VALUES,
      '--set',
      'config.logLevel=warn',
      '--wait',
      '--timeout',
      '3m',
    ]);
    expect(await secretValue(ns, `${release}-postgresql`, 'password')).toBe(generated);
    expect(await logLevel(ns, release)).toMatch(/warn/);
  });

  it('rolls back to revision 1', async () => {
    await h.run(['rollback', release, '1', '-n', ns, '--wait', '--timeout', '3m']);
    const history = await h.history(release, ns);
    expect(history.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
    expect(history.at(-1)?.description).toMatch(/Rollback to 1/);
    expect(await logLevel(ns, release)).toMatch(/debug/);
    await kubectl([
      '-n',
      ns,
      'rollout',
      'status',
      `deployment/${release}-hotswap`,
      '--timeout=60s',
    ]);
  });

  it('a crash-looping release fails --wait and its pods report CrashLoopBackOff', async () => {
    const result = await h.run(
      [
        'upgrade',
        '--install',
        'crashing',
        CHART_DIR,
        '-n',
        ns,
        '-f',
        DEV_VALUES,
        '--set',
        'podAnnotations.hotswap\\.dev/simulate=crash-loop',
        '--wait',
        '--timeout',
        '20s',
      ],
      { allowFailure: true },
    );
    expect(result.code).not.toBe(0);
    const history = await h.history('crashing', ns);
    expect(history.at(-1)?.status).toBe('failed');
    const pod = await waitFor('CrashLoopBackOff', async () =>
      (await pods(ns, 'app.kubernetes.io/instance=crashing,app.kubernetes.io/name=hotswap')).find(
        (p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff',
      ),
    );
    expect(pod.status.containerStatuses?.[0]?.restartCount).toBeGreaterThan(0);
  });
});

describe('every environment under the restricted Pod Security profile', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createNamespace('restricted', {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });
  afterAll(async () => {
    if (ns) await deleteNamespace(ns);
  });

  /**
   * Every pod the manifests would create, as a bare Pod (enforce mode judges
   * Pods only). As in a dry run nothing exists yet, the pod uses the default
   * ServiceAccount and a StatefulSet's claim templates become emptyDirs; the
   * security-relevant fields stay as rendered.
   */
  function podsOf(rendered: Rendered): object[] {
    const claims = new Map(
      rendered
        .all<Workload>('StatefulSet')
        .map((s) => [`StatefulSet/${s.metadata.name}`, s.spec.volumeClaimTemplates ?? []]),
    );
    return rendered.podSpecs().map(({ owner, spec }) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: owner
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, '-')
          .slice(0, 63),
        namespace: ns,
      },
      spec: {
        ...spec,
        serviceAccountName: 'default',
        volumes: [
          ...(spec.volumes ?? []),
          ...(claims.get(owner) ?? []).map((c) => ({ name: c.metadata.name, emptyDir: {} })),
        ],
      },
    }));
  }

  it('the API server warns about a pod template that breaks the profile (control)', async () => {
    const result = await kubectl(
      ['apply', '--dry-run=server', '-n', ns, '-f', '-'],
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'root' },
        spec: {
          selector: { matchLabels: { app: 'root' } },
          template: {
            metadata: { labels: { app: 'root' } },
            spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] },
          },
        },
      }),
    );
    expect(result.stderr).toMatch(/would violate PodSecurity "restricted:latest"/);
  });

  const environments = ['dev', 'staging', 'production'];
  it('lists the environments under test', async () => {
    const files = (await readdir(ENVIRONMENTS_DIR)).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toEqual(environments.map((e) => `${e}.yaml`).sort());
  });

  it.each(environments)('%s: kubectl apply --dry-run=server accepts every object', async (env) => {
    const rendered = await renderChart({
      valuesFiles: [path.join(ENVIRONMENTS_DIR, `${env}.yaml`)],
      namespace: ns,
      release: 'hs',
    });
    const result = await kubectl(
      ['apply', '--dry-run=server', '-n', ns, '-f', '-'],
      rendered.manifest,
    );
    expect(result.stderr).not.toMatch(/PodSecurity/);
    const applied = result.stdout.split('\n').filter((l) => l.endsWith('(server dry run)'));
    expect(applied).toHaveLength(rendered.objects.length);

    const bare = podsOf(rendered);
    expect(bare.length).toBeGreaterThan(0);
    const admitted = await kubectl(
      ['create', '--dry-run=server', '-n', ns, '-f', '-'],
      bare.map((p) => YAML.stringify(p)).join('---\n'),
    );
    expect(admitted.stdout.split('\n').filter((l) => l.includes('created'))).toHaveLength(
      bare.length,
    );
  });
});
