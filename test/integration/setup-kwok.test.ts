// actions/setup with `cluster: kwok`: the built bundle installs the kwok
// cluster's binaries from the loopback mirror, creates a real control plane
// with simulated nodes, and its post step removes the cluster and every
// process of it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';
import { ensureBundle } from '../support/bundle.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { filesUnder, MIRROR_ROOT, mirrorInputs } from '../support/setup-mirror.js';
import { tempDir } from '../support/temp-dir.js';

const KWOK = 'github.com/kubernetes-sigs/kwok/releases/download/v0.8.0/kwok-linux-amd64';

let mirror: MirrorServer;

beforeAll(async () => {
  await ensureBundle('setup');
  mirror = await startMirror(MIRROR_ROOT);
});
afterAll(async () => mirror?.close());

const log = (run: ActionRun) => `${run.stdout}\n${run.stderr}`;

/** PIDs of processes whose command line mentions `text`. */
function processesMatching(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

function setup(inputs: Record<string, string>, options: Parameters<typeof runAction>[1] = {}) {
  return runAction('setup', {
    ...options,
    inputs: { token: '', 'helm-version': 'v4.3.1', ...mirrorInputs(mirror.url), ...inputs },
  });
}

describe('cluster: kwok', () => {
  test('creates a cluster with Ready nodes; the post step removes it and leaves no process behind', async () => {
    const runnerDir = tempDir('runner-kwok-');
    const name = `setup-${path
      .basename(runnerDir)
      .slice(-6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const workdir = path.join(runnerDir, 'temp', 'hotswap-setup', 'kwok');
    let main: ActionRun | undefined;
    try {
      main = await setup(
        { cluster: 'kwok', 'cluster-name': name, 'kwok-nodes': '2' },
        { runnerDir, timeoutMs: 240_000 },
      );
      expect(main.code, log(main)).toBe(0);
      const kubeconfig = main.outputs.kubeconfig!;
      expect(main.outputs['cluster-name']).toBe(name);
      expect(main.exportedEnv.KUBECONFIG).toBe(kubeconfig);
      expect(existsSync(kubeconfig)).toBe(true);
      expect(main.summary).toContain(`Cluster **${name}** (kwok) is ready`);
      // Every binary came through the verified installer.
      for (const tool of [
        'kwokctl',
        'kwok',
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
      ])
        expect(main.summary).toMatch(
          new RegExp(`\\| ${tool} \\| v[\\d.]+ \\| v[\\d.]+ \\| downloaded from `),
        );
      expect(main.stdout).toContain(`verified (from ${mirror.url}/${KWOK}.sha256)`);

      const nodes = JSON.parse(
        execFileSync(
          main.outputs['kubectl-path']!,
          ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'json'],
          {
            encoding: 'utf8',
          },
        ),
      ) as {
        items: {
          metadata: { name: string };
          status: { conditions: { type: string; status: string }[] };
        }[];
      };
      expect(nodes.items).toHaveLength(2);
      for (const node of nodes.items)
        expect(
          node.status.conditions.find((c) => c.type === 'Ready')?.status,
          node.metadata.name,
        ).toBe('True');
      expect(processesMatching(workdir).length).toBeGreaterThan(0);

      const post = await setup({}, { runnerDir, phase: 'post', state: main.state });
      expect(post.code, log(post)).toBe(0);
      expect(post.stdout).toContain(`Deleted kwok cluster '${name}'`);
      expect(await until(() => processesMatching(workdir).length === 0, 10_000)).toBe(true);
      expect(processesMatching(name)).toEqual([]);
    } finally {
      if (processesMatching(workdir).length && main?.state.cluster) {
        await setup({}, { runnerDir, phase: 'post', state: main.state });
      }
    }
  }, 300_000);

  test('a kwok digest that does not match fails closed before any cluster exists', async () => {
    const runnerDir = tempDir('runner-kwok-');
    const run = await setup(
      { cluster: 'kwok', 'cluster-name': 'setup-kwok-bad', 'kwok-sha256': '0'.repeat(64) },
      { runnerDir },
    );
    expect(run.code).toBe(1);
    const digest = readFileSync(path.join(MIRROR_ROOT, `${KWOK}.sha256`), 'utf8').trim();
    expect(log(run)).toContain(
      `sha256 mismatch for kwok-linux-amd64 (downloaded from ${mirror.url}/${KWOK}): expected ${'0'.repeat(64)} (pinned by 'kwok-sha256'), got ${digest}`,
    );
    expect(filesUnder(path.join(runnerDir, 'tool-cache', 'kwok'))).toEqual([]);
    expect(run.state.cluster ?? '').toBe('');
    expect(processesMatching('setup-kwok-bad')).toEqual([]);
  });
});
