// The e2e global setup never leaves a cluster behind: its processes and
// workdir are gone after teardown and after SIGINT or SIGTERM, and
// HOTSWAP_E2E_KUBECONFIG skips the cluster altogether.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/run-action.js';

const SCRIPT = path.join(REPO_ROOT, 'test/fixtures/e2e-setup/run-setup.ts');

/** Starts the setup in a child; resolves once it provided the kubeconfig. */
function startSetup(args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const provided = new Promise<string>((resolve, reject) => {
    const check = () => /PROVIDED kubeconfig=(.+)/.exec(output)?.[1]?.trim();
    const timer = setInterval(() => {
      const found = check();
      if (found) {
        clearInterval(timer);
        resolve(found);
      }
    }, 100);
    void exited.then(() => {
      clearInterval(timer);
      const found = check();
      if (found) resolve(found);
      else reject(new Error(`setup exited early:\n${output}`));
    });
  });
  return { child, provided, exited, output: () => output };
}

/** The cluster's workdir: <tmp>/hotswap-e2e-<name>/clusters/<name>/kubeconfig.yaml. */
function workdirOf(kubeconfig: string): string {
  return path.resolve(kubeconfig, '../../..');
}

function processesUnder(workdir: string): string[] {
  const result = spawnSync('pgrep', ['-f', workdir], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}

describe('e2e cluster lifecycle', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'an interrupted run (%s) deletes its cluster',
    async (signal) => {
      const run = startSetup();
      const kubeconfig = await run.provided;
      const workdir = workdirOf(kubeconfig);
      expect(path.basename(workdir)).toMatch(/^hotswap-e2e-/);
      expect(processesUnder(workdir).length).toBeGreaterThanOrEqual(5);
      run.child.kill(signal);
      const code = await run.exited;
      expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(processesUnder(workdir)).toEqual([]);
      expect(existsSync(workdir)).toBe(false);
    },
    180_000,
  );

  it('teardown deletes the cluster', async () => {
    const run = startSetup(['--teardown']);
    const workdir = workdirOf(await run.provided);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('TORN DOWN');
    expect(processesUnder(workdir)).toEqual([]);
    expect(existsSync(workdir)).toBe(false);
  }, 180_000);

  it('HOTSWAP_E2E_KUBECONFIG reuses a cluster instead of creating one', async () => {
    const kubeconfig = path.join(REPO_ROOT, 'package.json'); // any existing file
    const run = startSetup(['--teardown'], { HOTSWAP_E2E_KUBECONFIG: kubeconfig });
    expect(await run.provided).toBe(kubeconfig);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(`KUBECONFIG=${kubeconfig}`);
    expect(run.output()).not.toMatch(/kwok cluster .* ready/);
  });
});
