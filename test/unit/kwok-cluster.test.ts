import { describe, expect, it } from 'vitest';
import { createKwokCluster, deleteKwokCluster, type KwokBinaries } from '../../src/cluster/kwok.js';

// Paths that do not exist: a call that got as far as running a binary would
// fail with ENOENT instead of the validation error.
const missing: KwokBinaries = {
  kwokctl: '/nonexistent/kwokctl',
  kwok: '/nonexistent/kwok',
  etcd: '/nonexistent/etcd',
  kubeApiserver: '/nonexistent/kube-apiserver',
  kubeControllerManager: '/nonexistent/kube-controller-manager',
  kubeScheduler: '/nonexistent/kube-scheduler',
  kubectl: '/nonexistent/kubectl',
};

describe('kwok cluster options', () => {
  it.each(['', 'Upper', '-lead', 'trail-', 'has_underscore', 'x'.repeat(41)])(
    'rejects the cluster name %j before running anything',
    async (name) => {
      await expect(createKwokCluster({ name, binaries: missing })).rejects.toThrow(
        `Invalid kwok cluster name ${JSON.stringify(name)}: expected lowercase letters, digits and '-'`,
      );
      await expect(deleteKwokCluster({ name, kwokctl: missing.kwokctl })).rejects.toThrow(
        /Invalid kwok cluster name/,
      );
    },
  );

  it.each([0, -1, 1.5, 101])('rejects %d nodes', async (nodes) => {
    await expect(createKwokCluster({ name: 'ok', binaries: missing, nodes })).rejects.toThrow(
      `Invalid node count ${nodes}: expected an integer from 1 to 100`,
    );
  });
});
