// The API Deployment and what surrounds it: image, resources, ports, probes,
// autoscaling, availability and the config checksum, from real `helm template`.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Container,
  type K8sObject,
  type Rendered,
  type Workload,
  renderChart,
} from '../../support/chart.js';

const NAME = 'hs-hotswap';
const SELECTOR = {
  'app.kubernetes.io/name': 'hotswap',
  'app.kubernetes.io/instance': 'hs',
  'app.kubernetes.io/component': 'api',
};

function api(r: Rendered): { deployment: Workload; container: Container } {
  const deployment = r.find<Workload>('Deployment', NAME);
  const container = deployment.spec.template.spec.containers.find((c) => c.name === 'api');
  if (!container) throw new Error('no api container');
  return { deployment, container };
}

describe('chart workload', () => {
  let defaults: Rendered;
  let fixed: Rendered;
  let custom: Rendered;

  beforeAll(async () => {
    [defaults, fixed, custom] = await Promise.all([
      renderChart(),
      renderChart({ valuesFiles: ['ci/autoscaling-off-values.yaml'] }),
      renderChart({
        values: {
          image: { repository: 'registry.example.com/hotswap-api', tag: '2.0.1', pullPolicy: 'Always' },
          imagePullSecrets: [{ name: 'regcred' }],
          podAnnotations: { 'example.com/team': 'kernel' },
          podLabels: { tier: 'backend' },
          extraEnv: [{ name: 'FEATURE_X', value: 'on' }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' }],
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } },
          topologySpreadConstraints: [
            { topologyKey: 'kubernetes.io/hostname', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' },
          ],
          priorityClassName: 'high-priority',
          terminationGracePeriodSeconds: 60,
          podDisruptionBudget: { minAvailable: 2 },
        },
      }),
    ]);
  });

  it('names and labels resources with the standard labels and stable selectors', () => {
    const { deployment } = api(defaults);
    expect(deployment.metadata.labels).toMatchObject({
      ...SELECTOR,
      'helm.sh/chart': 'hotswap-0.1.0',
      'app.kubernetes.io/version': '1.4.0',
      'app.kubernetes.io/managed-by': 'Helm',
    });
    expect(deployment.spec.selector.matchLabels).toEqual(SELECTOR);
    expect(deployment.spec.template.metadata.labels).toMatchObject(SELECTOR);
    for (const o of defaults.objects) expect(o.metadata.labels?.['helm.sh/chart']).toBe('hotswap-0.1.0');
  });

  it('truncates the full name to 63 characters and honours overrides', async () => {
    // Release names stop at 53 characters; a long nameOverride pushes past 63.
    const [truncated, contained, overridden] = await Promise.all([
      renderChart({ release: 'r'.repeat(50), values: { nameOverride: 'n'.repeat(20) } }),
      renderChart({ release: 'hotswap-prod' }),
      renderChart({ values: { fullnameOverride: 'kernel-api' } }),
    ]);
    expect(truncated.all('Deployment')[0]?.metadata.name).toBe(
      `${'r'.repeat(50)}-${'n'.repeat(12)}`,
    );
    expect(contained.has('Deployment', 'hotswap-prod')).toBe(true);
    expect(overridden.has('Service', 'kernel-api')).toBe(true);
  });

  it('runs the app image at the chart appVersion by default, with a digest when given', async () => {
    const { container } = api(defaults);
    expect(container.image).toBe('hotswap/hotswap-api:1.4.0');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(api(custom).container.image).toBe('registry.example.com/hotswap-api:2.0.1');
    expect(api(custom).container.imagePullPolicy).toBe('Always');
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinned = await renderChart({ set: { 'image.digest': digest } });
    expect(api(pinned).container.image).toBe(`hotswap/hotswap-api@${digest}`);
  });

  it('leaves replicas to the HPA while autoscaling is on', () => {
    expect(api(defaults).deployment.spec).not.toHaveProperty('replicas');
    const hpa = defaults.find('HorizontalPodAutoscaler', NAME);
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
        {
          type: 'Resource',
          resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    });
  });

  it('sets replicas and drops the HPA when autoscaling is off', async () => {
    expect(api(fixed).deployment.spec.replicas).toBe(2);
    expect(fixed.has('HorizontalPodAutoscaler')).toBe(false);
    const defaultCount = await renderChart({ set: { 'autoscaling.enabled': false } });
    expect(api(defaultCount).deployment.spec.replicas).toBe(3);
  });

  it('sets the default resources', () => {
    expect(api(defaults).container.resources).toEqual({
      limits: { cpu: '2000m', memory: '4Gi' },
      requests: { cpu: '500m', memory: '1Gi' },
    });
  });

  it('exposes http on 8080 and metrics on 5000, Service ports 80 and 5000', () => {
    expect(api(defaults).container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 5000, protocol: 'TCP' },
    ]);
    const service = defaults.find<K8sObject & { spec: Record<string, unknown> }>('Service', NAME);
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 5000, targetPort: 'metrics', protocol: 'TCP' },
      ],
    });
  });

  it('probes /health on the http port, with a startup probe', async () => {
    const { container } = api(defaults);
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
      expect(probe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.livenessProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 3 });
    expect(container.startupProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 30 });
    expect(container.livenessProbe).not.toHaveProperty('enabled');

    const tuned = await renderChart({
      values: {
        livenessProbe: { path: '/livez', periodSeconds: 20 },
        startupProbe: { enabled: false },
      },
    });
    expect(api(tuned).container.livenessProbe).toMatchObject({
      httpGet: { path: '/livez', port: 'http' },
      periodSeconds: 20,
    });
    expect(api(tuned).container).not.toHaveProperty('startupProbe');
  });

  it('runs hardened: non-root, read-only root with a writable /tmp, no capabilities', () => {
    const { deployment, container } = api(defaults);
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: 'tmp',
      emptyDir: { sizeLimit: '256Mi' },
    });
  });

  it('spreads pods across nodes and zones with soft anti-affinity by default', () => {
    const pod = api(defaults).deployment.spec.template.spec;
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: SELECTOR },
            },
          },
        ],
      },
    });
    expect(pod.topologySpreadConstraints).toEqual(
      ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
        topologyKey,
        maxSkew: 1,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: SELECTOR },
        matchLabelKeys: ['pod-template-hash'],
      })),
    );
  });

  it('uses the scheduling values given instead of the presets', () => {
    const pod = api(custom).deployment.spec.template.spec;
    expect(pod.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } });
    expect(pod.topologySpreadConstraints).toEqual([
      { topologyKey: 'kubernetes.io/hostname', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' },
    ]);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' },
    ]);
    expect(pod.priorityClassName).toBe('high-priority');
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('gives every pod of the chart the image pull secrets', () => {
    const pods = custom.podSpecs();
    expect(pods.map((p) => p.owner)).toEqual(
      expect.arrayContaining(['Deployment/hs-hotswap', 'StatefulSet/hs-postgresql', 'Pod/hs-hotswap-test-health']),
    );
    for (const { owner, spec } of pods) expect(spec.imagePullSecrets, owner).toEqual([{ name: 'regcred' }]);
  });

  it('passes pod annotations, pod labels and extra env through', () => {
    const { deployment, container } = api(custom);
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'example.com/team': 'kernel',
    });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ tier: 'backend', ...SELECTOR });
    expect(container.env).toContainEqual({ name: 'FEATURE_X', value: 'on' });
  });

  it('terminates gracefully: preStop sleep on Kubernetes >= 1.30 and a grace period', () => {
    const { deployment, container } = api(defaults);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  });

  it('leaves out the preStop sleep on clusters older than 1.30, refuses those older than 1.27', async () => {
    const old = await renderChart({ kubeVersion: '1.29.4' });
    expect(api(old).container).not.toHaveProperty('lifecycle');
    await expect(renderChart({ kubeVersion: '1.26.0' })).rejects.toThrow(
      /chart requires kubeVersion: >=1.27.0-0 which is incompatible with Kubernetes v1.26.0/,
    );
  });

  it('keeps every name within its Kubernetes limit for the longest release name', async () => {
    const r = await renderChart({
      release: 'r'.repeat(53),
      valuesFiles: ['ci/backup-values.yaml'],
      values: {
        vault: { authMethod: 'token', token: 't' },
        networkPolicy: { enabled: true },
        ingress: { enabled: true },
      },
    });
    for (const o of r.objects) {
      // StatefulSet and CronJob controllers append a suffix to their names.
      const limit = ['StatefulSet', 'CronJob'].includes(o.kind) ? 52 : 63;
      expect(o.metadata.name.length, `${o.kind}/${o.metadata.name}`).toBeLessThanOrEqual(limit);
      expect(o.metadata.name, `${o.kind}/${o.metadata.name}`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    const sts = r.all<Workload>('StatefulSet')[0]!;
    expect(r.has('Service', sts.spec.serviceName as string)).toBe(true);
  });

  it('protects availability with a PodDisruptionBudget', () => {
    const pdb = defaults.find('PodDisruptionBudget', NAME);
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR } });
    expect(custom.find('PodDisruptionBudget', NAME).spec).toEqual({
      minAvailable: 2,
      selector: { matchLabels: SELECTOR },
    });
  });

  it('creates the ServiceAccount and mounts its token only for Vault kubernetes auth', async () => {
    const sa = defaults.find('ServiceAccount', NAME);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(api(defaults).deployment.spec.template.spec).toMatchObject({
      serviceAccountName: NAME,
      automountServiceAccountToken: true,
    });
    const [named, token] = await Promise.all([
      renderChart({
        values: { serviceAccount: { name: 'hotswap-api', annotations: { 'iam.example.com/role': 'api' } } },
      }),
      renderChart({ valuesFiles: ['ci/vault-token-values.yaml'] }),
    ]);
    expect(named.find('ServiceAccount', 'hotswap-api').metadata.annotations).toEqual({
      'iam.example.com/role': 'api',
    });
    expect(api(named).deployment.spec.template.spec.serviceAccountName).toBe('hotswap-api');
    expect(api(token).deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it('puts CORS and rate limiting in a ConfigMap the container reads', () => {
    const config = defaults.find('ConfigMap', `${NAME}-config`);
    expect(config.data).toMatchObject({
      CORS_ALLOWED_ORIGINS: '',
      CORS_ALLOWED_METHODS: 'GET,POST,PUT,DELETE,OPTIONS',
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_REQUESTS_PER_WINDOW: '100',
      RATE_LIMIT_WINDOW_SECONDS: '60',
    });
    expect(api(defaults).container.envFrom).toContainEqual({
      configMapRef: { name: `${NAME}-config` },
    });
  });

  it('rolls the pods when the config changes (checksum annotation)', async () => {
    const checksum = (r: Rendered) =>
      api(r).deployment.spec.template.metadata.annotations?.['checksum/config'];
    const [same, cors, rate] = await Promise.all([
      renderChart(),
      renderChart({ values: { config: { cors: { allowedOrigins: ['https://a.example.com'] } } } }),
      renderChart({ set: { 'config.rateLimit.requestsPerWindow': 5 } }),
    ]);
    expect(checksum(defaults)).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum(same)).toBe(checksum(defaults));
    expect(checksum(cors)).not.toBe(checksum(defaults));
    expect(checksum(rate)).not.toBe(checksum(defaults));
    expect(cors.find('ConfigMap', `${NAME}-config`).data?.CORS_ALLOWED_ORIGINS).toBe(
      'https://a.example.com',
    );
  });

  it('runs migrations as a hook Job with the API image and settings, only when enabled', async () => {
    expect(defaults.has('Job', 'hs-hotswap-migrations')).toBe(false);
    const r = await renderChart({
      values: {
        migrations: { enabled: true, command: ['node', 'server.mjs'], args: ['migrate'] },
        extraEnv: [{ name: 'FEATURE', value: 'on' }],
      },
    });
    const job = r.find<K8sObject & { spec: { backoffLimit: number; template: Workload['spec']['template'] } }>(
      'Job',
      'hs-hotswap-migrations',
    );
    expect(job.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'post-install,pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    expect(job.spec.backoffLimit).toBe(0);
    const [c] = job.spec.template.spec.containers;
    const { container } = api(r);
    expect(c!.image).toBe(container.image);
    expect(c!.command).toEqual(['node', 'server.mjs']);
    expect(c!.args).toEqual(['migrate']);
    // The API's database settings (the password from the same Secret) and extraEnv.
    expect(c!.env).toEqual(
      container.env!.filter((e) => e.name.startsWith('DATABASE_') || e.name === 'FEATURE'),
    );
    expect(c!.env!.map((e) => e.name)).toContain('DATABASE_PASSWORD');
    expect(c!.securityContext).toEqual(container.securityContext);
    // Not a pod of the API: the Service and the Deployment's selector never pick it.
    expect(job.spec.template.metadata?.labels?.['app.kubernetes.io/component']).toBe('migrations');
  });
});
