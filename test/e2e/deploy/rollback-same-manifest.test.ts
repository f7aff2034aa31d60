// The rollback action after a deploy's automatic rollback: the release runs
// the restored revision's manifest under a new revision number, so the default
// target is the verified revision before that one, not the restored revision
// again (which would report a rollback and change nothing). When the restored
// revision is the only verified one, the action says so and changes nothing.
// The manifests compared hold a Secret: only their digests are used.
import { describe, expect, it } from 'vitest';
import {
  clusterState,
  expectClusterUnchanged,
  goodReleaseFixture,
  history,
  runDeployAction,
} from './harness.js';

const dbPassword = 'same-manifest-pw-7Qx2';
const { namespace, workspace, base } = goodReleaseFixture({
  prefix: 'rollback-same',
  release: 'app',
  dbPassword,
});
const crashLoop = { set: 'podAnnotations.hotswap\\.dev/simulate=crash-loop' };

/** A deploy that fails its watch and is rolled back automatically. */
async function failedDeploy(inputs: Record<string, string>): Promise<void> {
  const run = await runDeployAction('deploy', { ...inputs, ...crashLoop }, { workspace });
  expect(run.outputs.status, run.stdout).toBe('rolled-back');
}

describe('rollback action after an automatic rollback', () => {
  it('refuses when the only verified revision is the one already restored', async () => {
    // Revision 1 verified, 2 failed, 3 restored 1.
    await failedDeploy(base);
    const before = await clusterState();
    const run = await runDeployAction('rollback', { release: 'app', namespace }, { workspace });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::.*release 'app' has nothing to roll back to: its current revision 3 has the same manifest as revision 1, the only verified revision before it/,
    );
    expect(run.outputs.status).not.toBe('rolled-back');
    expect(run.stdout + run.summary).not.toContain(dbPassword);
    await expectClusterUnchanged(before);
    expect((await history('app', namespace)).length).toBe(3);
  });

  it('goes to the verified revision before the restored one', async () => {
    // Revision 4 verified (a new config), 5 failed, 6 restored 4.
    const good = await runDeployAction(
      'deploy',
      { ...base, set: 'config.logLevel=warn' },
      { workspace },
    );
    expect(good.outputs.status, good.stdout).toBe('deployed');
    await failedDeploy({ ...base });
    const run = await runDeployAction('rollback', { release: 'app', namespace }, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-revision': '6',
      'to-revision': '3',
    });
    expect(run.stdout).toContain(
      'Revision 4 has the same manifest as the current revision 6 (rolling back to it would change nothing): passed over',
    );
    expect(run.summary).toContain('**Passed over:** revision 4, the same manifest as revision 6');
    expect(run.stdout + run.summary).not.toContain(dbPassword);
    expect((await history('app', namespace)).at(-1)!.description).toMatch(/^Rollback to 3/);
  });
});
