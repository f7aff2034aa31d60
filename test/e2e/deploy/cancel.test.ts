// The runner cancels a step with SIGINT: it reaches the helm child, which
// marks its revision failed instead of leaving it pending (and, with helm's
// own wait and rollback-on-failure, rolls back), so the next deploy goes
// through without waiting for stuck-release-max-age.
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history, kubectl, makeWorkspace, recordingHelm, runDeployAction } from './harness.js';

const namespace = `cancel-${process.pid}`;
const workspace = makeWorkspace();
const base = {
  release: 'cancelled',
  chart: 'chart/hotswap',
  namespace,
  'values-files': 'chart/environments/dev.yaml',
  diff: 'false',
};

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: cancellation', () => {
  it('forwards SIGINT to helm and leaves a release the next run can deploy', async () => {
    const first = await runDeployAction('deploy', base, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');

    const rec = recordingHelm();
    let child: ChildProcess | undefined;
    const started = Date.now();
    const running = runDeployAction(
      'deploy',
      {
        ...base,
        wait: 'helm',
        timeout: '5m',
        set: 'podAnnotations.hotswap\\.dev/simulate=not-ready',
      },
      { workspace, rec, onSpawn: (c) => (child = c) },
    );
    // Once helm is upgrading (and waiting on pods that never get ready), cancel like the runner.
    const deadline = Date.now() + 60_000;
    while (!/^ARGV upgrade cancelled .*--wait=watcher/m.test(readFileSync(rec.argvLog, 'utf8'))) {
      if (Date.now() > deadline) throw new Error('helm upgrade never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500));
    child!.kill('SIGINT');
    const run = await running;
    expect(run.code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.stdout).toMatch(/::error::.*cancelled \(SIGINT\)/);

    // helm marked its revision failed (not pending) and, asked to roll back on
    // failure, restored the last good revision before exiting.
    const revisions = await history('cancelled', namespace);
    expect(revisions.map((r) => [r.revision, r.status, r.description])).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'failed', 'Upgrade "cancelled" failed: context canceled'],
      [3, 'deployed', 'Rollback to 1'],
    ]);

    // The next run deploys at once: nothing is pending.
    const next = await runDeployAction('deploy', base, { workspace });
    expect(next.code, next.stdout).toBe(0);
    expect(next.outputs).toMatchObject({
      status: 'deployed',
      revision: '4',
      'previous-revision': '3',
    });
  });
});
