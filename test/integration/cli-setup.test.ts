// `hotswap-ci setup` and `hotswap-ci teardown` run as processes through the bin
// shim: tools installed from the loopback mirror into a private cache (HOME and
// XDG_CACHE_HOME point at a temp dir), the action's input errors, and a kwok
// cluster created from the terminal and deleted by teardown.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';
import { ensureBundle } from '../support/bundle.js';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { MIRROR_ROOT, mirrorInputs } from '../support/setup-mirror.js';
import { tempDir } from '../support/temp-dir.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** The environment of a terminal with no runner variables and a private home. */
function terminalEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: '' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('RUNNER_') || name.startsWith('GITHUB_') || name === 'KUBECONFIG')
      delete env[name];
  }
  return env;
}

function cli(args: string[], home: string, timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'hotswap-ci.mjs'), ...args],
      {
        cwd: REPO_ROOT,
        env: terminalEnv(home),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hotswap-ci ${args[0]} timed out`));
    }, timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => {
      clearTimeout(timer);
      const outputs = Object.fromEntries(
        stdout
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      resolve({ code, stdout, stderr, outputs });
    });
  });
}

const flags = (inputs: Record<string, string>) =>
  Object.entries(inputs).flatMap(([k, v]) => [`--${k}`, v]);

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

let mirror: MirrorServer;
beforeAll(async () => {
  await ensureBundle('setup');
  mirror = await startMirror(MIRROR_ROOT);
});
afterAll(async () => mirror?.close());

const newHome = () => tempDir('cli-setup-home-');
const mirrors = () => mirrorInputs(mirror.url);

describe('hotswap-ci setup', () => {
  it('installs helm and kubectl into a local tool cache and prints their paths', async () => {
    const home = newHome();
    const cache = path.join(home, '.cache', 'hotswap-ci', 'tool-cache');
    const r = await cli(['setup', ...flags({ 'helm-version': 'v4.3.1', ...mirrors() })], home);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`RUNNER_TOOL_CACHE is not set: using ${cache}`);
    expect(r.outputs['helm-version']).toBe('v4.3.1');
    expect(r.outputs['helm-major']).toBe('4');
    expect(r.outputs['kubectl-version']).toBe('v1.36.3');
    expect(r.outputs['cache-hit']).toBe('false');
    expect(r.outputs.kubeconfig).toBeUndefined();
    const helm = r.outputs['helm-path']!;
    const kubectl = r.outputs['kubectl-path']!;
    expect(helm.startsWith(`${cache}/`)).toBe(true);
    expect(kubectl.startsWith(`${cache}/`)).toBe(true);
    expect(execFileSync(helm, ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v4\.3\.1/);
    expect(
      execFileSync(kubectl, ['version', '--client', '--output=json'], { encoding: 'utf8' }),
    ).toContain('"gitVersion": "v1.36.3"');
    // Downloads were staged in the local temp dir, not the system one.
    expect(existsSync(path.join(home, '.cache', 'hotswap-ci', 'tmp'))).toBe(true);

    // A second run is a cache hit: nothing is downloaded again.
    const before = mirror.requests.length;
    const again = await cli(['setup', ...flags({ 'helm-version': 'v4.3.1', ...mirrors() })], home);
    expect(again.code, again.stderr).toBe(0);
    expect(again.outputs['cache-hit']).toBe('true');
    expect(again.outputs['helm-path']).toBe(helm);
    expect(mirror.requests.length).toBe(before);
  });

  it('rejects bad input with exit 2 and the same message as the action, before downloading', async () => {
    const home = newHome();
    const inputs = { 'helm-sha256': 'abc123', ...mirrors() };
    const before = mirror.requests.length;
    const r = await cli(['setup', ...flags(inputs)], home);
    expect(r.code).toBe(2);
    expect(mirror.requests.length).toBe(before);
    expect(existsSync(path.join(home, '.cache', 'hotswap-ci'))).toBe(false);
    const action = await runAction('setup', { inputs: { token: '', ...inputs } });
    expect(action.code).toBe(1);
    const message = /::error::(Invalid input .*)/.exec(action.stdout)?.[1];
    expect(message).toBe(
      `Invalid input 'helm-sha256': "abc123". Expected a sha256 digest: 64 hexadecimal characters.`,
    );
    expect(r.stderr).toContain(`hotswap-ci setup: error: ${message}`);
  });

  it('teardown of a cluster it never created fails, naming it', async () => {
    const r = await cli(['teardown', '--cluster-name', 'nothing-here'], newHome());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no cluster named 'nothing-here' was created by 'hotswap-ci setup'");
  });

  it('creates a kwok cluster that stays up; teardown deletes it and every process of it', async () => {
    const home = newHome();
    const name = 'cli-kwok';
    const dir = path.join(home, '.cache', 'hotswap-ci', 'clusters', name);
    let up = false;
    try {
      const r = await cli(
        [
          'setup',
          ...flags({
            'helm-version': 'v4.3.1',
            cluster: 'kwok',
            'cluster-name': name,
            ...mirrors(),
          }),
        ],
        home,
        240_000,
      );
      up = existsSync(path.join(dir, 'cluster.json'));
      expect(r.code, r.stderr).toBe(0);
      expect(r.outputs['cluster-name']).toBe(name);
      const kubeconfig = r.outputs.kubeconfig!;
      expect(kubeconfig.startsWith(`${dir}/`)).toBe(true);
      expect(r.stderr).toContain(`delete it with: hotswap-ci teardown --cluster-name ${name}`);
      // The command has exited and the cluster still answers.
      expect(processesMatching(dir).length).toBeGreaterThan(0);
      const nodes = execFileSync(
        r.outputs['kubectl-path']!,
        ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'name'],
        { encoding: 'utf8' },
      );
      expect(nodes.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(readFileSync(path.join(dir, 'cluster.json'), 'utf8'))).toMatchObject({
        kind: 'kwok',
        name,
      });

      // A second setup with the same name refuses rather than clobber it.
      const clash = await cli(
        ['setup', ...flags({ cluster: 'kwok', 'cluster-name': name, ...mirrors() })],
        home,
      );
      expect(clash.code).toBe(1);
      expect(clash.stderr).toContain(`'hotswap-ci teardown --cluster-name ${name}'`);

      const down = await cli(['teardown', '--cluster-name', name], home);
      expect(down.code, down.stderr).toBe(0);
      expect(down.outputs['cluster-name']).toBe(name);
      up = false;
      expect(existsSync(dir)).toBe(false);
      expect(processesMatching(dir)).toEqual([]);
    } finally {
      if (up) await cli(['teardown', '--cluster-name', name], home);
    }
  }, 300_000);
});
