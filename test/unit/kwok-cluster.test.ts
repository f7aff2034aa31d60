import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createKwokCluster,
  deleteKwokCluster,
  startControlPlane,
  type KwokBinaries,
} from '../../src/cluster/kwok.js';

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

describe('starting the control plane', () => {
  // A stand-in kwokctl that fails its first `create` and records every call.
  async function fakeKwokctl(failures: number) {
    const dir = await mkdtemp(path.join(tmpdir(), 'fake-kwokctl-'));
    const bin = path.join(dir, 'kwokctl');
    await writeFile(
      bin,
      [
        '#!/bin/sh',
        `echo "$*" >> "${dir}/calls"`,
        `n=$(grep -c '^create' "${dir}/calls")`,
        `if [ "$1" = create ] && [ "$n" -le ${failures} ]; then echo 'failed to init crds' >&2; exit 1; fi`,
      ].join('\n'),
      { mode: 0o755 },
    );
    const calls = async () => (await readFile(path.join(dir, 'calls'), 'utf8')).trim().split('\n');
    return { bin, dir, calls };
  }

  it('retries a failed kwokctl create once, after removing the broken cluster', async () => {
    const fake = await fakeKwokctl(1);
    let removed = 0;
    await startControlPlane(fake.bin, ['create', 'cluster'], process.env, 10_000, async () => {
      removed++;
    });
    expect(await fake.calls()).toEqual(['create cluster', 'create cluster']);
    expect(removed).toBe(1);
    await rm(fake.dir, { recursive: true, force: true });
  });

  it('gives up after the second failure with kwokctl’s message', async () => {
    const fake = await fakeKwokctl(2);
    await expect(
      startControlPlane(fake.bin, ['create', 'cluster'], process.env, 10_000, async () => {}),
    ).rejects.toThrow(/exit code 1: failed to init crds/);
    expect(await fake.calls()).toHaveLength(2);
    await rm(fake.dir, { recursive: true, force: true });
  });
});

describe('binaries', () => {
  it('names a missing binary before starting anything', async () => {
    await expect(createKwokCluster({ name: 'ok', binaries: missing })).rejects.toThrow(
      'kwok cluster: the kwokctl binary /nonexistent/kwokctl does not exist or is not executable',
    );
  });
});
