// actions/setup with `cluster: kind`, run the way the runner runs the bundle,
// on a real Docker engine with the node image built offline: a Ready node,
// kube-system Running, logs and exec on a real pod, and a post step that
// leaves no container, volume or network of ours behind.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';
import { readSysctls } from '../../src/cluster/host-sysctls.js';
import { ensureBundle } from '../support/bundle.js';
import { docker, engineUp, listed, nodeImageArchive } from '../support/docker.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { MIRROR_ROOT, mirrorInputs } from '../support/setup-mirror.js';

let mirror: MirrorServer;
let archive: string;

beforeAll(async () => {
  engineUp();
  archive = nodeImageArchive();
  await ensureBundle('setup');
  mirror = await startMirror(MIRROR_ROOT);
});
afterAll(async () => mirror?.close());

const log = (run: ActionRun) => `${run.stdout}\n${run.stderr}`;

function setup(inputs: Record<string, string>, options: Parameters<typeof runAction>[1] = {}) {
  return runAction('setup', {
    timeoutMs: 900_000,
    ...options,
    inputs: { token: '', 'helm-version': 'v4.3.1', ...mirrorInputs(mirror.url), ...inputs },
  });
}

/** What the engine holds, to compare before and after. */
const names = (kind: string) =>
  docker(
    kind === 'container'
      ? ['container', 'ls', '--all', '--format', '{{.Names}}']
      : [kind, 'ls', '--format', '{{.Name}}'],
  )
    .split('\n')
    .filter(Boolean)
    .sort();
const engineObjects = () => ({
  containers: names('container'),
  volumes: names('volume'),
  networks: names('network'),
});

async function until<T>(what: string, check: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${String(last ?? '')}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

describe('cluster: kind on a real engine', () => {
  test('a Ready node, kube-system Running, logs and exec on a pod; the post step leaves nothing', async () => {
    const before = engineObjects();
    const sysctlsBefore = readSysctls();
    const runnerDir = mkdtempSync(path.join(tmpdir(), 'runner-kind-'));
    const name = `hs-kind-${process.pid}`;
    let main: ActionRun | undefined;
    try {
      main = await setup(
        { cluster: 'kind', 'cluster-name': name, 'kind-node-image-archive': archive, wait: '5m' },
        { runnerDir },
      );
      expect(main.code, log(main)).toBe(0);
      const kubectlPath = main.outputs['kubectl-path']!;
      const kubectl = (...args: string[]) =>
        execFileSync(kubectlPath, ['--kubeconfig', main!.outputs.kubeconfig!, ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      expect(
        kubectl(
          'get',
          'nodes',
          '-o',
          'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}',
        ),
      ).toBe('True');

      // Every kube-system pod (control plane, etcd, kube-proxy, CoreDNS, the CNI) Running and ready.
      await until(
        'kube-system pods Running and Ready',
        () => {
          const pods = JSON.parse(kubectl('get', 'pods', '-n', 'kube-system', '-o', 'json')) as {
            items: {
              metadata: { name: string };
              status: { phase: string; containerStatuses?: { ready: boolean }[] };
            }[];
          };
          const notReady = pods.items.filter(
            (p) =>
              p.status.phase !== 'Running' ||
              !(p.status.containerStatuses ?? []).every((c) => c.ready),
          );
          if (pods.items.length >= 7 && notReady.length === 0) return true;
          throw new Error(
            `not ready: ${notReady.map((p) => `${p.metadata.name}=${p.status.phase}`).join(', ')}`,
          );
        },
        240_000,
      );

      // A real pod: its output reaches `kubectl logs`, and `kubectl exec` runs in it.
      kubectl(
        'run',
        'probe',
        '--image=hotswap-local/debian-iptables:bookworm',
        '--restart=Never',
        '--command',
        '--',
        'sh',
        '-c',
        'echo hello from $(hostname); sleep 600',
      );
      kubectl('wait', '--for=condition=Ready', 'pod/probe', '--timeout=120s');
      expect(kubectl('logs', 'probe')).toContain('hello from probe');
      expect(kubectl('exec', 'probe', '--', 'cat', '/etc/os-release')).toContain(
        'Debian GNU/Linux 12',
      );
      // Cluster DNS answers from inside the pod (CoreDNS behind its Service, through kube-proxy).
      expect(
        kubectl('exec', 'probe', '--', 'getent', 'hosts', 'kubernetes.default.svc.cluster.local'),
      ).toMatch(/^10\.96\.0\.1\s/);

      const post = await setup({}, { runnerDir, phase: 'post', state: main.state });
      expect(post.code, log(post)).toBe(0);
      expect(post.stdout).toContain(`Deleted kind cluster '${name}'`);
      expect(engineObjects()).toEqual(before);
      // kubelet in the privileged node changed host-wide sysctls; the post step put them back.
      expect(readSysctls()).toEqual(sysctlsBefore);
    } finally {
      if (main?.state.cluster && listed('container', `label=io.x-k8s.kind.cluster=${name}`).length)
        await setup({}, { runnerDir, phase: 'post', state: main.state });
    }
  }, 900_000);

  test('a node image that exists nowhere fails naming the pull, on one line, and leaves nothing', async () => {
    const before = engineObjects();
    const runnerDir = mkdtempSync(path.join(tmpdir(), 'runner-kind-'));
    const run = await setup(
      {
        cluster: 'kind',
        'cluster-name': 'hs-kind-missing',
        'kind-node-image': 'hotswap-local/kind-node:v0.0.0-missing',
      },
      { runnerDir },
    );
    expect(run.code).toBe(1);
    const error = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(error).toHaveLength(1);
    expect(error[0]).toMatch(
      /kind could not create cluster 'hs-kind-missing': pulling the node image 'hotswap-local\/kind-node:v0.0.0-missing' failed/,
    );
    expect(error[0]).not.toMatch(/cgroup/i);
    const post = await setup({}, { runnerDir, phase: 'post', state: run.state });
    expect(post.code, log(post)).toBe(0);
    expect(engineObjects()).toEqual(before);
  }, 300_000);
});
