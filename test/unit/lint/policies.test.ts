import { describe, expect, it } from 'vitest';
import {
  checkPolicies,
  dropCapabilities,
  imageTag,
  imageTagPinned,
  ingressTls,
  minimumReplicas,
  podDisruptionBudget,
  probesSet,
  readOnlyRootFilesystem,
  resourcesSet,
  runAsNonRoot,
  tlsCovers,
  type RenderedObject,
} from '../../../src/lint/policies.js';

type Obj = Record<string, unknown>;

const hardenedContainer = (over: Obj = {}): Obj => ({
  name: 'api',
  image: 'hotswap/api:1.4.0',
  securityContext: {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
  livenessProbe: { httpGet: { path: '/health', port: 8080 } },
  readinessProbe: { httpGet: { path: '/health', port: 8080 } },
  ...over,
});

function deployment(
  container: Obj = hardenedContainer(),
  spec: Obj = {},
  pod: Obj = {},
): RenderedObject {
  return {
    source: 'hotswap/templates/deployment.yaml',
    doc: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api', tier: 'web' } },
          spec: { containers: [container], ...pod },
        },
        ...spec,
      },
    },
  };
}

const pdb = (selector: Obj = { matchLabels: { app: 'api' } }): RenderedObject => ({
  source: 'hotswap/templates/pdb.yaml',
  doc: {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'api' },
    spec: { maxUnavailable: 1, selector },
  },
});

const hpa = (minReplicas?: number, target = 'api'): RenderedObject => ({
  source: 'hotswap/templates/hpa.yaml',
  doc: {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'api' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      maxReplicas: 6,
      ...(minReplicas === undefined ? {} : { minReplicas }),
    },
  },
});

const ingress = (rules: Obj[], tls: Obj[] = []): RenderedObject => ({
  source: 'hotswap/templates/ingress.yaml',
  doc: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'api' },
    spec: { rules, tls },
  },
});

describe('policy rules', () => {
  it('a hardened Deployment with a PDB passes every rule', () => {
    expect(checkPolicies([deployment(), pdb()])).toEqual([]);
  });

  describe('run-as-non-root', () => {
    it('accepts runAsNonRoot from the pod security context', () => {
      const c = hardenedContainer({
        securityContext: { readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      });
      expect(
        runAsNonRoot([deployment(c, {}, { securityContext: { runAsNonRoot: true } })]),
      ).toEqual([]);
    });
    it('flags a container that overrides the pod with runAsNonRoot: false', () => {
      const c = hardenedContainer({ securityContext: { runAsNonRoot: false } });
      const [v] = runAsNonRoot([deployment(c, {}, { securityContext: { runAsNonRoot: true } })]);
      expect(v).toMatchObject({
        rule: 'run-as-non-root',
        object: 'Deployment/api',
        hint: { keys: ['runAsNonRoot', 'securityContext'], value: false },
      });
      expect(v!.field).toEqual([
        'spec',
        'template',
        'spec',
        'containers',
        0,
        'securityContext',
        'runAsNonRoot',
      ]);
    });
    it('flags uid 0 even with runAsNonRoot set', () => {
      const c = hardenedContainer({ securityContext: { runAsNonRoot: true, runAsUser: 0 } });
      expect(runAsNonRoot([deployment(c)])[0]!.message).toContain('runs as uid 0');
    });
    it('checks init containers too', () => {
      const obj = deployment(
        hardenedContainer(),
        {},
        { initContainers: [{ name: 'migrate', image: 'x:1' }] },
      );
      expect(runAsNonRoot([obj]).map((v) => v.message)).toEqual([
        'Deployment/api init container "migrate" does not set securityContext.runAsNonRoot: true',
      ]);
    });
  });

  it('read-only-root-filesystem flags a missing or false setting', () => {
    const missing = hardenedContainer({
      securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
    });
    expect(readOnlyRootFilesystem([deployment(missing)])).toHaveLength(1);
    expect(readOnlyRootFilesystem([deployment()])).toEqual([]);
  });

  it('drop-capabilities wants ALL dropped and nothing but NET_BIND_SERVICE added', () => {
    const sc = (caps: Obj) =>
      hardenedContainer({
        securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: caps },
      });
    expect(
      dropCapabilities([deployment(sc({ drop: ['all'], add: ['NET_BIND_SERVICE'] }))]),
    ).toEqual([]);
    expect(dropCapabilities([deployment(sc({ drop: ['NET_RAW'] }))]).map((v) => v.message)).toEqual(
      ['Deployment/api container "api" does not drop ALL capabilities'],
    );
    expect(
      dropCapabilities([deployment(sc({ drop: ['ALL'], add: ['SYS_ADMIN'] }))])[0]!.message,
    ).toContain('adds capabilities SYS_ADMIN');
  });

  it('resources lists what is missing', () => {
    const c = hardenedContainer({ resources: { limits: { cpu: '1', memory: '1Gi' } } });
    expect(resourcesSet([deployment(c)])[0]!.message).toBe(
      'Deployment/api container "api" does not set resources requests.cpu, requests.memory',
    );
  });

  it('probes apply to long-running containers, not Jobs or helm test hooks', () => {
    const bare = hardenedContainer({ livenessProbe: undefined, readinessProbe: undefined });
    expect(probesSet([deployment(bare)]).map((v) => v.message)).toEqual([
      'Deployment/api container "api" has no livenessProbe',
      'Deployment/api container "api" has no readinessProbe',
    ]);
    const job: RenderedObject = {
      source: 'x/templates/job.yaml',
      doc: {
        kind: 'Job',
        metadata: { name: 'j' },
        spec: { template: { spec: { containers: [bare] } } },
      },
    };
    const hook: RenderedObject = {
      source: 'x/templates/tests/t.yaml',
      doc: {
        kind: 'Pod',
        metadata: { name: 't', annotations: { 'helm.sh/hook': 'test' } },
        spec: { containers: [bare] },
      },
    };
    expect(probesSet([job, hook])).toEqual([]);
  });

  describe('image-tag', () => {
    it('parses tags, registries with ports and digests', () => {
      expect(imageTag('nginx')).toBe('');
      expect(imageTag('nginx:1.27')).toBe('1.27');
      expect(imageTag('registry:5000/team/app')).toBe('');
      expect(imageTag('registry:5000/team/app:2.0')).toBe('2.0');
      expect(imageTag('app@sha256:abc')).toBeUndefined();
    });
    it('flags latest, a missing tag and an empty image; accepts a digest', () => {
      const msgs = (image: string) =>
        imageTagPinned([deployment(hardenedContainer({ image }))]).map((v) => v.message);
      expect(msgs('app:latest')).toEqual([
        'Deployment/api container "api" image "app:latest" uses the latest tag',
      ]);
      expect(msgs('registry:5000/app')).toEqual([
        'Deployment/api container "api" image "registry:5000/app" has no tag (pulls latest)',
      ]);
      expect(msgs('')).toEqual(['Deployment/api container "api" has an empty image']);
      expect(msgs('app:latest@sha256:0123')).toEqual([]);
    });
  });

  describe('replicas', () => {
    it('wants 3 replicas, counting an unset replicas as 1', () => {
      expect(minimumReplicas([deployment()])).toEqual([]);
      expect(minimumReplicas([deployment(undefined, { replicas: 2 })])[0]!.message).toContain(
        'runs 2 replica(s)',
      );
      const unset = deployment();
      delete (unset.doc.spec as Obj).replicas;
      expect(minimumReplicas([unset])[0]!.hint).toEqual({
        keys: ['replicaCount', 'replicas'],
        value: 1,
      });
    });
    it('leaves a count that is no number to the schema stage (ingress-nginx, replicaCount: three)', () => {
      expect(minimumReplicas([deployment(undefined, { replicas: 'three' })])).toEqual([]);
      const noReplicas = deployment(undefined, { replicas: undefined });
      const scaler = hpa();
      (scaler.doc.spec as Obj).minReplicas = 'three';
      expect(minimumReplicas([noReplicas, scaler])).toEqual([]);
    });
    it('uses the HPA minimum when an HPA targets the workload', () => {
      const noReplicas = deployment(undefined, { replicas: undefined });
      expect(minimumReplicas([noReplicas, hpa(3)])).toEqual([]);
      const [v] = minimumReplicas([noReplicas, hpa()]);
      expect(v).toMatchObject({
        object: 'HorizontalPodAutoscaler/api',
        field: ['spec'],
        hint: { keys: ['minReplicas', 'replicaCount'], value: 1 },
      });
      // an HPA for another Deployment does not count
      expect(
        minimumReplicas([deployment(undefined, { replicas: 1 }), hpa(5, 'other')]),
      ).toHaveLength(1);
    });
  });

  describe('pod-disruption-budget', () => {
    it('needs a PDB whose selector selects the pod template labels', () => {
      expect(podDisruptionBudget([deployment(), pdb()])).toEqual([]);
      expect(
        podDisruptionBudget([deployment(), pdb({ matchLabels: { app: 'other' } })]),
      ).toHaveLength(1);
      expect(podDisruptionBudget([deployment()])[0]!.message).toBe(
        'Deployment/api has no PodDisruptionBudget selecting its pods',
      );
    });
    it('does not count a PDB with an empty selector, which names no pods', () => {
      expect(podDisruptionBudget([deployment(), pdb({})])).toHaveLength(1);
      expect(
        podDisruptionBudget([
          deployment(),
          pdb({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }),
        ]),
      ).toEqual([]);
    });
  });

  describe('ingress-tls', () => {
    it('covers hosts exactly or by a one-label wildcard', () => {
      expect(tlsCovers('*.example.com', 'api.example.com')).toBe(true);
      expect(tlsCovers('*.example.com', 'a.b.example.com')).toBe(false);
      expect(tlsCovers('api.example.com', 'api.example.com')).toBe(true);
    });
    it('flags each host without TLS', () => {
      const obj = ingress(
        [{ host: 'a.example.com' }, { host: 'b.example.com' }],
        [{ hosts: ['a.example.com'], secretName: 's' }],
      );
      const found = ingressTls([obj]);
      expect(found.map((v) => v.message)).toEqual([
        'Ingress/api host "b.example.com" is not covered by TLS',
      ]);
      expect(found[0]!.field).toEqual(['spec', 'rules', 1, 'host']);
    });
    it('flags a host-less rule only when the Ingress has no TLS at all', () => {
      expect(ingressTls([ingress([{ http: {} }])])).toHaveLength(1);
      expect(ingressTls([ingress([{ http: {} }], [{ secretName: 's' }])])).toEqual([]);
    });
  });

  it('runs only the rules asked for', () => {
    const objects = [deployment(hardenedContainer({ image: 'app:latest' }), { replicas: 1 })];
    expect(checkPolicies(objects, ['image-tag']).map((v) => v.rule)).toEqual(['image-tag']);
    expect(
      checkPolicies(objects)
        .map((v) => v.rule)
        .sort(),
    ).toEqual(['image-tag', 'pod-disruption-budget', 'replicas']);
  });
});
