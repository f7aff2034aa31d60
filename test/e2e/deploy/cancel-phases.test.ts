// Each phase cancelled the way the runner cancels a step (SIGINT, SIGTERM
// 7.5 s later, then a kill), through the bundles: the step ends by itself
// within the grace period, leaves no process and no secret values file, says
// what it did, and leaves the release either on a verified revision or marked
// so that the next deploy recovers it at once. A failing deploy afterwards
// rolls back to the last verified revision, never to the cancelled one.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelLikeRunner,
  outputMatches,
  processesMentioning,
  secretFilesLeft,
  type Cancellation,
} from '../../support/cancel.js';
import { startStandIn } from '../../support/stand-in.js';
import {
  history,
  kubectl,
  makeWorkspace,
  records,
  runDeployAction,
  verifiedRevisions,
  type DeployRun,
} from './harness.js';

const namespace = `cancel-phases-${process.pid}`;
const workspace = makeWorkspace();
const base = {
  chart: 'chart/hotswap',
  namespace,
  'values-files': 'chart/environments/dev.yaml',
  'secret-values': 'postgresql:\n  auth:\n    password: cancel-phases-pass-5678',
  diff: 'false',
  timeout: '3m',
};
const CRASH = 'podAnnotations.hotswap\\.dev/simulate=crash-loop';
const NOT_READY = 'podAnnotations.hotswap\\.dev/simulate=not-ready';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

async function deploy(inputs: Record<string, string>): Promise<DeployRun> {
  return runDeployAction('deploy', { ...base, ...inputs }, { workspace });
}

/** Runs a step and cancels it like the runner once `ready` resolves. */
async function cancelWhen(
  action: 'deploy' | 'rollback' | 'smoke-test',
  inputs: Record<string, string>,
  ready: (child: ChildProcess) => Promise<void>,
): Promise<{ run: DeployRun; cancel: Cancellation }> {
  let child: ChildProcess | undefined;
  const running = runDeployAction(action, inputs, { workspace, onSpawn: (c) => (child = c) });
  await ready(child!);
  const cancel = await cancelLikeRunner(child!);
  return { run: await running, cancel };
}

/** Ended by itself before the runner's kill; nothing left behind. */
async function expectCleanExit(run: DeployRun, cancel: Cancellation): Promise<void> {
  expect(
    cancel.sent.map((s) => s.signal),
    run.stdout,
  ).not.toContain('SIGKILL');
  expect(run.signal).toBeNull();
  expect(run.code).not.toBe(0);
  expect(run.stdout).toMatch(/::error::.*cancelled \(SIGINT\)/);
  expect(secretFilesLeft(run.runnerDir)).toEqual([]);
  expect(await processesMentioning(namespace)).toEqual([]);
}

/**
 * The release is on a rollback to a verified revision, or its newest revision
 * is marked for the next run to recover at once.
 */
async function expectKnownState(release: string): Promise<void> {
  const last = (await history(release, namespace)).at(-1)!;
  const marks = (await records(release, namespace)).marks;
  const rolledTo = /^Rollback to (\d+)/.exec(last.description)?.[1];
  const onVerified =
    last.status === 'deployed' &&
    (marks.get(last.revision)?.verified ||
      (rolledTo !== undefined && marks.get(Number(rolledTo))?.verified));
  expect(onVerified || marks.get(last.revision)?.cancelled, JSON.stringify(last)).toBeTruthy();
}

/** A crash-looping deploy now goes back to the last verified revision, at once. */
async function expectFailingDeployRollsBackToVerified(
  release: string,
  cancelled: number[],
  chart: Record<string, string> = {},
): Promise<DeployRun> {
  const verified = await verifiedRevisions(release, namespace);
  const expected = verified.at(-1)!;
  const started = Date.now();
  const next = await deploy({ release, ...chart, set: CRASH });
  expect(next.outputs.status, next.stdout).toBe('rolled-back');
  expect(next.outputs['rolled-back-to']).toBe(String(expected));
  for (const c of cancelled) expect(next.outputs['rolled-back-to']).not.toBe(String(c));
  // No waiting for stuck-release-max-age (10 minutes).
  expect(Date.now() - started).toBeLessThan(150_000);
  const last = (await history(release, namespace)).at(-1)!;
  expect(last.status).toBe('deployed');
  expect(last.description).toMatch(new RegExp(`^Rollback to ${expected}\\b`));
  expect(next.outputs['last-verified-revision']).toBe(String(last.revision));
  return next;
}

describe('cancellation, phase by phase', () => {
  it('upgrade: helm, waiting on a pre-upgrade hook, stops; the revision is undone', async () => {
    const release = 'c-upgrade';
    const hooked = { chart: 'test-charts/hooked', 'values-files': '' };
    expect((await deploy({ release, ...hooked })).outputs.status).toBe('deployed');
    const { run, cancel } = await cancelWhen(
      'deploy',
      { ...base, ...hooked, release, set: 'hook.podAnnotations.hotswap\\.dev/simulate=not-ready' },
      async () => {
        // helm has stored revision 2 and waits on the hook Job, which never completes.
        const deadline = Date.now() + 90_000;
        while ((await history(release, namespace)).at(-1)?.status !== 'pending-upgrade') {
          if (Date.now() > deadline) throw new Error('helm upgrade never got under way');
          await sleep(200);
        }
        await sleep(1_000);
      },
    );
    await expectCleanExit(run, cancel);
    expect(run.summary).toContain('Cancelled (SIGINT) during upgrade');
    expect(run.outputs.status).toBe('cancelled');
    // helm handled the signal: revision 2 is not left pending.
    const revisions = await history(release, namespace);
    expect(revisions[1]).toMatchObject({ revision: 2, status: 'failed' });
    expect((await records(release, namespace)).marks.get(2)).toMatchObject({ cancelled: true });
    await expectKnownState(release);
    await expectFailingDeployRollsBackToVerified(release, [2], hooked);
  });

  it('watch of a failing revision: rolled back to the verified one, or marked for the next run', async () => {
    const release = 'c-watch';
    expect((await deploy({ release })).outputs.status).toBe('deployed');
    const { run, cancel } = await cancelWhen(
      'deploy',
      // Crash-looping, but judged failed only after 100 restarts: the watch goes on.
      { ...base, release, set: CRASH, 'crash-loop-restarts': '100' },
      async (child) => {
        await outputMatches(child, /Watching the rollout of revision 2/);
        await sleep(1_500);
      },
    );
    await expectCleanExit(run, cancel);
    expect(run.summary).toContain('Cancelled (SIGINT) during watch');
    expect(run.summary).toMatch(/revision 2 \(deployed\) is recorded as cancelled/);
    const marks = (await records(release, namespace)).marks;
    expect(marks.get(2)).toEqual({ cancelled: true });
    await expectKnownState(release);
    const next = await expectFailingDeployRollsBackToVerified(release, [2]);
    expect(next.outputs['rolled-back-to']).toBe('1');
  });

  it('automatic rollback: let finish, and its revision is the one restored', async () => {
    const release = 'c-autorollback';
    expect((await deploy({ release })).outputs.status).toBe('deployed');
    const { run, cancel } = await cancelWhen('deploy', { ...base, release, set: CRASH }, (child) =>
      outputMatches(child, /Rolling back 'c-autorollback' to revision 1/),
    );
    await expectCleanExit(run, cancel);
    expect(run.summary).toMatch(/Cancelled \(SIGINT\) during (rollback|watch)/);
    // Never left pending-rollback: helm rollback was not cut short.
    const revisions = await history(release, namespace);
    expect(revisions.map((r) => r.status)).not.toContain('pending-rollback');
    await expectKnownState(release);
    await expectFailingDeployRollsBackToVerified(release, [2]);
  });

  it('rollback action cut short in helm: pending-rollback, recovered by the next deploy at once', async () => {
    const release = 'c-rollback';
    expect((await deploy({ release })).outputs.status).toBe('deployed');
    // Revision 2: pods that never get ready, deployed without any wait (so not verified).
    const unverified = await deploy({
      release,
      wait: 'none',
      set: NOT_READY,
      'rollback-on-failure': 'false',
    });
    expect(unverified.outputs.status).toBe('deployed');
    expect((await deploy({ release })).outputs.status).toBe('deployed'); // 3, verified
    expect(await verifiedRevisions(release, namespace)).toEqual([1, 3]);

    // helm rollback --wait to revision 2 never finishes: it is let run for the
    // grace period, then killed, and the revision it left is marked.
    const { run, cancel } = await cancelWhen(
      'rollback',
      { release, namespace, revision: '2', wait: 'helm', timeout: '5m' },
      async (child) => {
        await outputMatches(child, /Rolling back 'c-rollback' from revision 3/);
        await sleep(1_000);
      },
    );
    await expectCleanExit(run, cancel);
    expect(run.summary).toMatch(
      /revision 4 was left pending-rollback and is recorded as cancelled/,
    );
    expect((await history(release, namespace)).at(-1)).toMatchObject({
      revision: 4,
      status: 'pending-rollback',
    });
    await expectKnownState(release);

    const next = await expectFailingDeployRollsBackToVerified(release, [2, 4]);
    expect(next.stdout).toMatch(
      /Recovering cancelled release: pending-rollback revision 4 left by a cancelled run, rolling back to verified revision 3/,
    );
    expect(next.outputs['rolled-back-to']).toBe('3');
  });

  it('helm killed outright mid-upgrade (wait: helm): said as it is, and rolled back by the step', async () => {
    const release = 'c-killed';
    expect((await deploy({ release })).outputs.status).toBe('deployed');
    const running = deploy({ release, wait: 'helm', timeout: '5m', set: NOT_READY });
    const deadline = Date.now() + 90_000;
    let helmPid: number | undefined;
    while (helmPid === undefined) {
      if (Date.now() > deadline) throw new Error('helm upgrade never got under way');
      await sleep(200);
      if ((await history(release, namespace)).at(-1)?.status !== 'pending-upgrade') continue;
      const line = (await processesMentioning(namespace)).find((l) => / upgrade c-killed /.test(l));
      helmPid = line ? Number(line.trim().split(/\s+/)[0]) : undefined;
    }
    process.kill(helmPid, 'SIGKILL');
    const run = await running;
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.summary).not.toContain('helm rolled back the release itself');
    expect(run.summary).toContain('rolled back to verified revision 1');
    const revisions = await history(release, namespace);
    expect(revisions.map((r) => r.status)).toEqual(['superseded', 'pending-upgrade', 'deployed']);
    expect(secretFilesLeft(run.runnerDir)).toEqual([]);
  });

  it('smoke test: a cancelled test records nothing; a finished one records its verdict', async () => {
    const release = 'c-smoke';
    expect((await deploy({ release })).outputs.status).toBe('deployed'); // 1, verified
    // Revision 2 deployed without a wait: only a smoke test could verify it.
    expect((await deploy({ release, wait: 'none' })).outputs.status).toBe('deployed');
    const hanging = await startStandIn({ env: { HANG: 'true' } });
    try {
      const { run, cancel } = await cancelWhen(
        'smoke-test',
        {
          target: 'url',
          url: hanging.url,
          'metrics-url': hanging.metricsUrl,
          release,
          namespace,
          timeout: '2m',
        },
        async () => {
          await sleep(3_000);
        },
      );
      expect(cancel.sent.map((s) => s.signal)).not.toContain('SIGKILL');
      expect(run.code).not.toBe(0);
      expect(await processesMentioning(String(hanging.port))).toEqual([]);
      expect((await records(release, namespace)).marks.get(2)).toEqual({});
    } finally {
      await hanging.stop();
    }
    await expectFailingDeployRollsBackToVerified(release, [2]);

    // Finished smoke tests record their verdict on the deployed revision.
    const healthy = await startStandIn();
    const unhealthy = await startStandIn({ env: { UNHEALTHY: 'true' } });
    try {
      const smoke = (server: typeof healthy) =>
        runDeployAction(
          'smoke-test',
          {
            target: 'url',
            url: server.url,
            'metrics-url': server.metricsUrl,
            release,
            namespace,
            timeout: '5s',
          },
          { workspace },
        );
      const unverified = Number((await deploy({ release, wait: 'none' })).outputs.revision);
      const passed = await smoke(healthy);
      expect(passed.code, passed.stdout).toBe(0);
      expect(passed.summary).toContain(`revision ${unverified} recorded as verified`);
      const rejected = Number((await deploy({ release, wait: 'none' })).outputs.revision);
      const failed = await smoke(unhealthy);
      expect(failed.code).toBe(1);
      const marks = (await records(release, namespace)).marks;
      expect(marks.get(unverified)).toEqual({ verified: true });
      expect(marks.get(rejected)).toEqual({ rejected: true });
      // The rejected revision is never a rollback target.
      await expectFailingDeployRollsBackToVerified(release, [rejected]);
    } finally {
      await healthy.stop();
      await unhealthy.stop();
    }
  });
});
