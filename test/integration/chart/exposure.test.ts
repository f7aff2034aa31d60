// How the API is reached and watched: Ingress, ServiceMonitor or scrape
// annotations, NetworkPolicy, the helm test pod and NOTES.txt.
import { describe, expect, it } from 'vitest';
import {
  type K8sObject,
  type Pod,
  type Rendered,
  type Workload,
  renderChart,
  renderNotes,
} from '../../support/chart.js';

const NAME = 'hs-hotswap';
const SELECTOR = {
  'app.kubernetes.io/name': 'hotswap',
  'app.kubernetes.io/instance': 'hs',
  'app.kubernetes.io/component': 'api',
};
const podAnnotations = (r: Rendered) =>
  r.find<Workload>('Deployment', NAME).spec.template.metadata.annotations ?? {};

interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    policyTypes: string[];
    ingress: { ports: { port: string | number; protocol: string }[]; from?: unknown[] }[];
    egress: { ports: { port: string | number; protocol: string }[]; to?: unknown[] }[];
  };
}

describe('ingress', () => {
  it('routes hosts to the http port with TLS, class and annotations', async () => {
    const r = await renderChart({ valuesFiles: ['ci/ingress-tls-values.yaml'] });
    const ingress = r.find('Ingress', NAME);
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt',
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ secretName: 'hotswap-tls', hosts: ['hotswap.example.com'] }],
      rules: [
        {
          host: 'hotswap.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: NAME, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
  });

  it('is off by default', async () => {
    expect((await renderChart()).has('Ingress')).toBe(false);
  });
});

describe('monitoring', () => {
  it('annotates pods for Prometheus by default', async () => {
    const r = await renderChart();
    expect(podAnnotations(r)).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '5000',
      'prometheus.io/path': '/metrics',
    });
    expect(r.has('ServiceMonitor')).toBe(false);
  });

  it('creates a ServiceMonitor on the metrics port instead when enabled', async () => {
    const r = await renderChart({ valuesFiles: ['ci/monitoring-netpol-values.yaml'] });
    const sm = r.find('ServiceMonitor', NAME);
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(sm.spec).toEqual({
      namespaceSelector: { matchNames: ['hotswap'] },
      selector: { matchLabels: SELECTOR },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
    });
    expect(podAnnotations(r)).not.toHaveProperty('prometheus.io/scrape');
  });
});

describe('network policy', () => {
  it('lets in the ingress controller and the scraper, lets out DNS, the database and Vault', async () => {
    const r = await renderChart({ valuesFiles: ['ci/monitoring-netpol-values.yaml'] });
    const np = r.find<NetworkPolicy>('NetworkPolicy', NAME);
    expect(np.spec.podSelector.matchLabels).toEqual(SELECTOR);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([
      {
        ports: [{ port: 'http', protocol: 'TCP' }],
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
          { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'hs' } } },
        ],
      },
      {
        ports: [{ port: 'metrics', protocol: 'TCP' }],
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
        ],
      },
    ]);
    expect(np.spec.egress).toEqual([
      {
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
      {
        ports: [{ port: 5432, protocol: 'TCP' }],
        to: [
          {
            podSelector: {
              matchLabels: { ...SELECTOR, 'app.kubernetes.io/component': 'postgresql' },
            },
          },
        ],
      },
      { ports: [{ port: 8200, protocol: 'TCP' }] },
    ]);
  });

  it('admits only the API and the backup job to the built-in PostgreSQL', async () => {
    const r = await renderChart({ valuesFiles: ['ci/monitoring-netpol-values.yaml'] });
    const np = r.find<NetworkPolicy>('NetworkPolicy', 'hs-postgresql');
    expect(np.spec.ingress).toEqual([
      {
        ports: [{ port: 'postgresql', protocol: 'TCP' }],
        from: [
          { podSelector: { matchLabels: SELECTOR } },
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/instance': 'hs',
                'app.kubernetes.io/component': 'backup',
              },
            },
          },
        ],
      },
    ]);
  });

  it('follows the external database port and peers, and the Vault port from its address', async () => {
    const r = await renderChart({
      valuesFiles: ['ci/external-db-values.yaml'],
      values: {
        vault: { address: 'https://vault.example.com' },
        networkPolicy: {
          enabled: true,
          databasePeers: [{ ipBlock: { cidr: '10.20.0.0/16' } }],
        },
      },
    });
    const np = r.find<NetworkPolicy>('NetworkPolicy', NAME);
    expect(np.spec.egress.slice(1)).toEqual([
      { ports: [{ port: 6432, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.20.0.0/16' } }] },
      { ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
    expect(r.has('NetworkPolicy', 'hs-postgresql')).toBe(false);
  });

  it('is off by default', async () => {
    expect((await renderChart()).has('NetworkPolicy')).toBe(false);
  });
});

describe('helm test', () => {
  it('curls http://<fullname>:80/health from a pinned curl image', async () => {
    const r = await renderChart();
    const pod = r.find<Pod>('Pod', `${NAME}-test-health`);
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    const container = pod.spec.containers[0]!;
    expect(container.image).toBe('docker.io/curlimages/curl:8.17.0');
    expect(container.command).toEqual(['curl']);
    expect(container.args).toContain(`http://${NAME}:80/health`);
    expect(container.args).toContain('--fail');
    expect(pod.spec.restartPolicy).toBe('Never');
  });
});

describe('NOTES.txt', () => {
  it('explains port-forward, health and metrics for a ClusterIP Service', async () => {
    const notes = await renderNotes();
    expect(notes).toContain('kubectl --namespace hotswap port-forward svc/hs-hotswap 8080:80');
    expect(notes).toContain('curl -fsS $HOTSWAP_URL/health');
    expect(notes).toContain('curl -fsS http://127.0.0.1:5000/metrics');
    expect(notes).toContain('helm test hs --namespace hotswap');
    expect(notes).toContain('Secret hs-postgresql (key "password")');
  });

  it('shows the ingress URLs when the Ingress is on', async () => {
    const notes = await renderNotes({ valuesFiles: ['ci/ingress-tls-values.yaml'] });
    expect(notes).toContain('  https://hotswap.example.com/\n');
    expect(notes).toContain('curl -fsS https://hotswap.example.com/health');
    expect(notes).not.toContain('port-forward svc/hs-hotswap 8080');
  });

  it.each([
    ['NodePort', 'export NODE_PORT=$(kubectl get --namespace hotswap'],
    ['LoadBalancer', 'kubectl get --namespace hotswap svc/hs-hotswap -w'],
  ])('tells how to reach a %s Service', async (type, expected) => {
    expect(await renderNotes({ set: { 'service.type': type } })).toContain(expected);
  });

  it('names the external database and warns about ephemeral data', async () => {
    const [external, ephemeral] = await Promise.all([
      renderNotes({ valuesFiles: ['ci/external-db-values.yaml'] }),
      renderNotes({ set: { 'postgresql.primary.persistence.enabled': false } }),
    ]);
    expect(external).toContain('external PostgreSQL at db.example.internal:6432');
    expect(ephemeral).toContain('WARNING: postgresql.primary.persistence.enabled=false');
  });
});
