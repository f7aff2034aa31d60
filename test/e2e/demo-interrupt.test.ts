// Ctrl-C at any phase of the demo leaves nothing behind: the demo script gets
// SIGINT (sent to its whole process group, as a terminal does) while it
// creates the cluster, while it deploys, and while it smoke-tests; it must exit
// 130 and leave no cluster process, no cluster files and so no release.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/run-action.js';

interface Interrupted {
  code: number | null;
  stdout: string;
  stderr: string;
  workdir: string;
  name: string;
}

let running: { pid: number } | undefined;
const workdirs: string[] = [];

// A test that fails or times out must not leave a demo running: stop it the
// way a user would (SIGINT to its group), then for good. Its workdir goes
// whatever the outcome (the assertions look at it first).
afterEach(async () => {
  if (running) {
    const { pid } = running;
    running = undefined;
    try {
      process.kill(-pid, 'SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of workdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Processes whose command line mentions the demo's workdir (the cluster's etcd, apiserver, kwok...). */
function processesOf(workdir: string): string[] {
  const out = spawnSync('pgrep', ['-af', workdir], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .filter((line) => !line.includes('pgrep'));
}

/**
 * Runs the demo and sends SIGINT once `ready(line)` holds for a progress line
 * (and `extra()` holds, polled), then waits for it to exit.
 */
async function interruptDemo(
  label: string,
  ready: (line: string) => boolean,
  extra: (workdir: string) => boolean = () => true,
): Promise<Interrupted> {
  const workdir = mkdtempSync(path.join(tmpdir(), `hotswap-demo-intr-${label}-`));
  const name = `intr-${label}-${process.pid}`;
  workdirs.push(workdir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOTSWAP_DEMO_NAME: name,
      HOTSWAP_DEMO_WORKDIR: workdir,
      HOTSWAP_DEMO_ENGINE: 'kwok',
    },
    // Its own process group, so the signal reaches it and its children as Ctrl-C would.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = { pid: child.pid! };
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  );
  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    process.kill(-child.pid!, 'SIGINT');
  };
  let armed = false;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr += `${line}\n`;
    if (!armed && ready(line)) armed = true;
  });
  const poll = setInterval(() => {
    if (armed && extra(workdir)) send();
  }, 50);
  const code = await exited.finally(() => clearInterval(poll));
  running = undefined;
  expect(sent, `the demo ended before the phase was reached:\n${stderr}`).toBe(true);
  return { code, stdout, stderr, workdir, name };
}

function expectNothingLeft(run: Interrupted): void {
  expect(run.code, run.stderr).toBe(130);
  expect(run.stdout).toMatch(/Demo interrupted; everything it created is removed/);
  expect(processesOf(run.workdir), run.stderr).toEqual([]);
  // kwokctl keeps every file of the cluster (etcd data, so every release) under the workdir.
  expect(existsSync(run.workdir) ? readdirSync(run.workdir) : []).toEqual([]);
  rmSync(run.workdir, { recursive: true, force: true });
}

function interruptedPhase(run: Interrupted): string | undefined {
  return /✘ ([^:]+): interrupted/.exec(run.stderr)?.[1];
}

describe('Ctrl-C during the demo', () => {
  it('while the cluster is being created: its processes are stopped and removed', async () => {
    const run = await interruptDemo(
      'cluster',
      (line) => line.includes('▶ cluster'),
      // Once the control plane processes run, so there is something to leave behind.
      (workdir) => processesOf(workdir).length > 0,
    );
    expect(interruptedPhase(run), run.stderr).toMatch(/^cluster/);
    expectNothingLeft(run);
  });

  it('while deploying: the cluster and the release with it are removed', async () => {
    const run = await interruptDemo('deploy', (line) => /▶ deploy staging/.test(line));
    expect(interruptedPhase(run), run.stderr).toMatch(/^deploy staging/);
    expectNothingLeft(run);
  });

  it('while smoke-testing: the port-forward, the stand-in and the cluster are removed', async () => {
    const run = await interruptDemo('smoke', (line) => /▶ smoke-test$/.test(line));
    expect(interruptedPhase(run), run.stderr).toBe('smoke-test');
    expect(run.stderr).toMatch(/removing stand-in server/);
    expectNothingLeft(run);
  });
});
