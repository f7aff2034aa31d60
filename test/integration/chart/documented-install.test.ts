// The custom install the HotSwap documentation gives, run as written:
//   helm install hotswap chart/hotswap --set replicaCount=5 --set image.tag=v1.0.0 \
//     --set ingress.enabled=true --set ingress.hosts[0].host=hotswap.example.com
// It must pass the values schema and `helm lint --strict`, route the host's `/`
// to the API, and run at least the 5 pods asked for although the HPA is on.
import path from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHART_DIR,
  type HelmBinary,
  type K8sObject,
  Rendered,
  type Workload,
  renderChart,
  renderError,
  renderNotes,
  runHelm,
} from '../../support/chart.js';
import { REPO_ROOT } from '../../support/run-action.js';

const DOCUMENTED = [
  '--set',
  'replicaCount=5',
  '--set',
  'image.tag=v1.0.0',
  '--set',
  'ingress.enabled=true',
  '--set',
  'ingress.hosts[0].host=hotswap.example.com',
];
const CHART = path.relative(REPO_ROOT, CHART_DIR);

interface Release {
  manifest: string;
  info: { notes: string };
}

describe('the documented custom install', () => {
  let release: Release;
  let objects: Rendered;

  beforeAll(async () => {
    // helm 4's client-side dry run is `helm install` without a cluster.
    const result = await runHelm([
      'install',
      'hotswap',
      CHART,
      ...DOCUMENTED,
      '--dry-run=client',
      '--output',
      'json',
    ]);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    release = JSON.parse(result.stdout) as Release;
    objects = new Rendered(
      YAML.parseAllDocuments(release.manifest).map((d) => d.toJS()).filter((d): d is K8sObject => !!d),
      release.manifest,
    );
  });

  it('routes / (Prefix) of the host without paths to the API', () => {
    expect(objects.find('Ingress', 'hotswap').spec).toEqual({
      rules: [
        {
          host: 'hotswap.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'hotswap', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
    expect(release.info.notes).toMatch(/^ {2}http:\/\/hotswap\.example\.com\/$/m);
  });

  it('runs at least 5 API pods: the HPA minimum follows the replicaCount given', () => {
    const hpa = objects.find('HorizontalPodAutoscaler', 'hotswap');
    expect(hpa.spec).toMatchObject({ minReplicas: 5, maxReplicas: 10 });
    // The HPA owns the count: a fixed replicas would be reset by every upgrade.
    expect(objects.find<Workload>('Deployment', 'hotswap').spec).not.toHaveProperty('replicas');
    expect(release.info.notes).toContain(
      'API pods: 5 to 10, scaled by the HorizontalPodAutoscaler hotswap (its minimum is replicaCount=5).',
    );
  });

  it('runs the image tag given, and says so', () => {
    const deployment = objects.find<Workload>('Deployment', 'hotswap');
    const api = deployment.spec.template.spec.containers.find((c) => c.name === 'api');
    expect(api?.image).toBe('hotswap/hotswap-api:v1.0.0');
    expect(release.info.notes.split('\n')[0]).toBe(
      'HotSwap hotswap/hotswap-api:v1.0.0 is deployed as release "hotswap" in namespace "default".',
    );
  });

  it.each<HelmBinary>(['helm', 'helm3'])('passes %s lint --strict as written', async (helm) => {
    const result = await runHelm(['lint', '--strict', CHART, ...DOCUMENTED], helm);
    expect(result.stdout + result.stderr).not.toMatch(/\[(ERROR|WARNING)\]/);
    expect(result.code).toBe(0);
  });

  it('renders the same HPA and Ingress with helm 3', async () => {
    const result = await runHelm(
      ['template', 'hotswap', CHART, ...DOCUMENTED, '--kube-version', '1.36.3'],
      'helm3',
    );
    expect(result.code, result.stderr).toBe(0);
    const helm3 = new Rendered(
      YAML.parseAllDocuments(result.stdout).map((d) => d.toJS()).filter((d): d is K8sObject => !!d),
      result.stdout,
    );
    for (const kind of ['HorizontalPodAutoscaler', 'Ingress'])
      expect(helm3.find(kind, 'hotswap').spec).toEqual(objects.find(kind, 'hotswap').spec);
  });
});

describe('replicaCount', () => {
  const hpaMin = async (set: Record<string, string | number | boolean>, valuesFiles?: string[]) =>
    (await renderChart({ set, ...(valuesFiles ? { valuesFiles } : {}) })).find(
      'HorizontalPodAutoscaler',
      'hs-hotswap',
    ).spec as { minReplicas: number; maxReplicas: number };

  it('unset: the HPA minimum is autoscaling.minReplicas, and NOTES says where it comes from', async () => {
    expect(await hpaMin({})).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(await hpaMin({ 'autoscaling.minReplicas': 4 })).toMatchObject({ minReplicas: 4 });
    expect(await renderNotes()).toContain(
      'API pods: 3 to 10, scaled by the HorizontalPodAutoscaler hs-hotswap (minimum from autoscaling.minReplicas).',
    );
    expect(await renderNotes({ set: { 'autoscaling.enabled': false } })).toContain(
      'API pods: 3 (autoscaling.enabled=false).',
    );
  });

  it('set: replaces autoscaling.minReplicas, from a values file too', async () => {
    expect(await hpaMin({ replicaCount: 2, 'autoscaling.minReplicas': 4 })).toMatchObject({
      minReplicas: 2,
    });
    // staging sets both to 2: unchanged
    expect(await hpaMin({}, [path.join(REPO_ROOT, 'chart/environments/staging.yaml')])).toEqual(
      expect.objectContaining({ minReplicas: 2, maxReplicas: 4 }),
    );
  });

  it('without autoscaling: the Deployment runs replicaCount pods, 3 when unset, 0 allowed', async () => {
    const replicas = async (set: Record<string, string | number | boolean>) =>
      (await renderChart({ set: { 'autoscaling.enabled': false, ...set } })).find<Workload>(
        'Deployment',
        'hs-hotswap',
      ).spec.replicas;
    expect(await replicas({})).toBe(3);
    expect(await replicas({ replicaCount: 5 })).toBe(5);
    expect(await replicas({ replicaCount: 0 })).toBe(0);
  });

  it.each([
    [{ replicaCount: 20 }, 'replicaCount (20) must not exceed autoscaling.maxReplicas (10)'],
    [{ replicaCount: 0 }, 'replicaCount (0) must be at least 1 while autoscaling.enabled=true'],
  ])('rejects %j while autoscaling is on', async (set, message) => {
    expect(await renderError({ set })).toContain(message);
  });
});
