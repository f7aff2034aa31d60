// The kwok cluster's API server keeps its own connections on this machine:
// a Service's cluster IP is a loopback address, so the API server's check of
// an aggregated API (or a call to an admission webhook) behind one is refused
// here, never sent out by the default route.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_CIDR } from '../../src/cluster/kwok.js';
import { createNamespace, deleteNamespace, kubectl, kubectlJson, waitFor } from './support.js';

const GROUP = `probe-${randomBytes(3).toString('hex')}.hotswap.test`;
const API_SERVICE = `v1.${GROUP}`;
let ns: string;

beforeAll(async () => {
  ns = await createNamespace('network');
});
afterAll(async () => {
  await kubectl(['delete', 'apiservice', API_SERVICE, '--ignore-not-found']).catch(() => {});
  if (ns) await deleteNamespace(ns);
});

describe('kwok cluster network', () => {
  it("dials an APIService's Service at a loopback cluster IP, and says so", async () => {
    // A Service without a selector and an address behind it, as a Ready pod
    // would give (the API server checks for one before it dials): data only,
    // the API server dials the cluster IP.
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'aggregated' },
      spec: { ports: [{ name: 'https', port: 443, targetPort: 6443 }] },
    };
    const endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'aggregated' },
      subsets: [{ addresses: [{ ip: '10.244.255.250' }], ports: [{ name: 'https', port: 6443 }] }],
    };
    await kubectl(
      ['-n', ns, 'apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [service, endpoints] }),
    );
    const live = await kubectlJson<{ spec: { clusterIP: string } }>([
      '-n',
      ns,
      'get',
      'service',
      'aggregated',
    ]);
    const prefix = SERVICE_CIDR.split('.').slice(0, 2).join('.');
    expect(live.spec.clusterIP.startsWith(`${prefix}.`), live.spec.clusterIP).toBe(true);

    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: API_SERVICE },
        spec: {
          group: GROUP,
          version: 'v1',
          service: { namespace: ns, name: 'aggregated', port: 443 },
          insecureSkipTLSVerify: true,
          groupPriorityMinimum: 100,
          versionPriority: 100,
        },
      }),
    );
    const message = await waitFor('the API server to check the APIService', async () => {
      const o = await kubectlJson<{
        status?: { conditions?: { type: string; status: string; message?: string }[] };
      }>(['get', 'apiservice', API_SERVICE]);
      const available = o.status?.conditions?.find((c) => c.type === 'Available');
      return available?.status === 'False' && available.message?.includes(live.spec.clusterIP)
        ? available.message
        : undefined;
    });
    expect(message).toContain(`dial tcp ${live.spec.clusterIP}:443`);
  });
});
