// The runner cancelling a deploy (SIGINT, SIGTERM 7.5 s later, then a kill)
// while a broken version really crash-loops on the kubelet: once inside helm
// upgrade (wait: helm) and once in our own watch (the default). Each time the
// step ends by itself before the kill, leaves no process and no secret values
// file, no revision pending, and the next deploy goes through at once.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  cancelLikeRunner,
  outputMatches,
  processesMentioning,
  secretFilesLeft,
} from '../support/cancel.js';
import {
  createNamespace,
  deleteNamespace,
  deployInputs,
  history,
  makeWorkspace,
  runDeployAction,
  valuesFile,
  type DeployRun,
} from './support.js';

let namespace: string;
const workspace = makeWorkspace();
let crashValues: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (run: DeployRun) => `${run.stdout}\n${run.stderr}`;

beforeAll(async () => {
  namespace = await createNamespace('cancel-kind');
  // A version whose process exits 1 at start (the stand-in's EXIT_AT_START).
  crashValues = valuesFile(workspace, 'exit-at-start', {
    extraEnv: [{ name: 'EXIT_AT_START', value: '1' }],
  });
});
afterAll(async () => {
  if (namespace) await deleteNamespace(namespace);
});

const deploy = (
  release: string,
  extra: Record<string, string> = {},
  onSpawn?: (c: ChildProcess) => void,
  values: string[] = [],
) =>
  runDeployAction('deploy', deployInputs(workspace, namespace, release, values, extra), {
    workspace,
    onSpawn,
  });

async function cancelDeploy(
  release: string,
  extra: Record<string, string>,
  ready: (child: ChildProcess) => Promise<void>,
): Promise<DeployRun> {
  let child: ChildProcess | undefined;
  const running = deploy(release, extra, (c) => (child = c), [crashValues]);
  await ready(child!);
  const cancel = await cancelLikeRunner(child!);
  const run = await running;
  // Ended by itself, within the grace period.
  expect(
    cancel.sent.map((s) => s.signal),
    log(run),
  ).not.toContain('SIGKILL');
  expect(run.signal).toBeNull();
  expect(run.code).not.toBe(0);
  expect(run.stdout).toMatch(/::error::.*cancelled \(SIGINT\)/);
  expect(secretFilesLeft(run.runnerDir)).toEqual([]);
  expect(await processesMentioning(namespace)).toEqual([]);
  const statuses = (await history(release, namespace)).map((r) => r.status);
  expect(
    statuses.filter((s) => s.startsWith('pending-')),
    statuses.join(', '),
  ).toEqual([]);
  return run;
}

/** The next deploy of a good version goes through at once (no stuck-release wait). */
async function expectNextDeployGoesThrough(release: string): Promise<void> {
  const started = Date.now();
  const next = await deploy(release);
  expect(next.outputs.status, log(next)).toBe('deployed');
  expect(next.stdout).not.toMatch(/another deploy in progress/i);
  expect(Date.now() - started).toBeLessThan(240_000);
  expect((await history(release, namespace)).at(-1)!.status).toBe('deployed');
}

describe('runner cancellation on real pods', () => {
  test('inside helm upgrade --wait on a crash-looping version', async () => {
    const release = 'c-helm';
    expect((await deploy(release)).outputs.status).toBe('deployed');
    const run = await cancelDeploy(release, { wait: 'helm' }, async () => {
      // helm has stored revision 2 and waits on pods that crash for real.
      const deadline = Date.now() + 120_000;
      while ((await history(release, namespace)).at(-1)?.status !== 'pending-upgrade') {
        if (Date.now() > deadline) throw new Error('helm upgrade never got under way');
        await sleep(250);
      }
      await sleep(2_000);
    });
    expect(run.summary).toContain('Cancelled (SIGINT) during upgrade');
    await expectNextDeployGoesThrough(release);
  });

  test('in the rollout watch of a crash-looping version (default wait)', async () => {
    const release = 'c-watch';
    expect((await deploy(release)).outputs.status).toBe('deployed');
    const run = await cancelDeploy(
      release,
      // Judged failed only after 100 restarts: the watch is still going when the runner cancels.
      { 'crash-loop-restarts': '100' },
      async (child) => {
        await outputMatches(child, /Watching the rollout of revision 2/, 180_000);
        await sleep(3_000);
      },
    );
    expect(run.summary).toContain('Cancelled (SIGINT) during watch');
    await expectNextDeployGoesThrough(release);
  });
});
