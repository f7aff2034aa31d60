// The deploy workflow's rollback step can only return to a revision the
// deploy action told it about. The action publishes `previous-revision` as
// soon as it has read the history, so a run stopped outright midway (act's
// cancel and the runner's last resort are a SIGKILL) still leaves it; and it
// withdraws it when the deploy ended having changed nothing.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  history,
  kubectl,
  leaveReleasePending,
  makeWorkspace,
  runDeployAction,
} from './harness.js';

const namespace = `rollback-target-${process.pid}`;
const workspace = makeWorkspace();
const base = {
  release: 'target',
  chart: 'chart/hotswap',
  namespace,
  'values-files': 'chart/environments/dev.yaml',
  diff: 'false',
  'rollback-on-failure': 'false',
};

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: previous-revision for the rollback step', () => {
  it('is published before the upgrade, so a deploy killed mid-rollout leaves it', async () => {
    const first = await runDeployAction('deploy', base, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');

    let child: ChildProcess | undefined;
    const running = runDeployAction(
      'deploy',
      { ...base, timeout: '5m', set: 'podAnnotations.hotswap\\.dev/simulate=not-ready' },
      { workspace, onSpawn: (c) => (child = c) },
    );
    // Revision 2 is in the cluster and the action is watching its pods.
    const deadline = Date.now() + 60_000;
    while ((await history('target', namespace)).length < 2) {
      if (Date.now() > deadline) throw new Error('the upgrade never wrote revision 2');
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1500));
    child!.kill('SIGKILL');
    const run = await running;
    expect(run.outputs['previous-revision']).toBe('1');
    expect(run.outputs.status).toBeUndefined();
  });

  it('is withdrawn when the deploy was refused before changing anything', async () => {
    // A live upgrade holds the release (younger than stuck-release-max-age).
    await leaveReleasePending({ release: 'target', namespace, workspace });
    const before = await history('target', namespace);
    const run = await runDeployAction('deploy', base, { workspace });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      /release 'target' is pending-upgrade: another deploy is in progress/,
    );
    // It was published (revision 2 runs) and withdrawn: nothing to roll back.
    expect(run.outputs).toMatchObject({ status: 'failed', 'previous-revision': '' });
    expect(await history('target', namespace)).toEqual(before);
  });
});
