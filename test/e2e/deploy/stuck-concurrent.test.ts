// A release left in pending-upgrade by a helm process killed mid-upgrade is
// left alone while it may still belong to a live deploy, and recovered by the
// next deploy once older than stuck-release-max-age. Two deploys started at
// once never leave the release broken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterState,
  expectClusterUnchanged,
  history,
  kubectl,
  leaveReleasePending,
  makeWorkspace,
  runDeployAction,
} from './harness.js';

const namespace = `stuck-${process.pid}`;
const workspace = makeWorkspace();
const base = {
  chart: 'chart/hotswap',
  namespace,
  'values-files': 'chart/environments/dev.yaml',
  diff: 'false',
  timeout: '2m',
};

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: stuck and concurrent releases', () => {
  it('recovers a release left pending-upgrade by a killed helm', async () => {
    const first = await runDeployAction('deploy', { ...base, release: 'stuck' }, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');

    await leaveReleasePending({ release: 'stuck', namespace, workspace });
    expect((await history('stuck', namespace)).map((r) => r.status)).toEqual([
      'deployed',
      'pending-upgrade',
    ]);

    // Young: may belong to a deploy still running. Refused, nothing touched.
    const before = await clusterState();
    const refused = await runDeployAction('deploy', { ...base, release: 'stuck' }, { workspace });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /::error::.*release 'stuck' is pending-upgrade: another deploy is in progress since \S+Z/,
    );
    await expectClusterUnchanged(before);

    // Old enough: recovered, then deployed.
    await new Promise((r) => setTimeout(r, 1500));
    const run = await runDeployAction(
      'deploy',
      { ...base, release: 'stuck', 'stuck-release-max-age': '1s' },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.stdout).toMatch(
      /Recovering stuck release: pending-upgrade revision 2 since .*rolling back to verified revision 1/,
    );
    expect(run.summary).toContain('Release recovered');
    const after = await history('stuck', namespace);
    expect(after.map((r) => [r.status, r.description.split(':')[0]])).toEqual([
      ['superseded', 'Install complete'],
      // helm rollback supersedes deployed revisions only: the interrupted one keeps
      // its pending status in history, harmlessly (only the newest revision counts).
      ['pending-upgrade', 'Preparing upgrade'],
      ['superseded', 'Rollback to 1'],
      ['deployed', 'Upgrade complete'],
    ]);
  });

  it('recovers a first install left pending-install by uninstalling it', async () => {
    await leaveReleasePending({ release: 'fresh', namespace, workspace, install: true });
    await new Promise((r) => setTimeout(r, 1500));
    const run = await runDeployAction(
      'deploy',
      { ...base, release: 'fresh', 'stuck-release-max-age': '1s' },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      /pending-install revision 1 since .* never deployed, uninstalling it/,
    );
    expect((await history('fresh', namespace)).map((r) => r.status)).toEqual(['deployed']);
  });

  it('two deploys started at once leave the release deployed', async () => {
    const seed = await runDeployAction('deploy', { ...base, release: 'race' }, { workspace });
    expect(seed.outputs.status).toBe('deployed');
    const [a, b] = await Promise.all(
      ['a', 'b'].map((who) =>
        runDeployAction(
          'deploy',
          { ...base, release: 'race', set: `config.logLevel=${who === 'a' ? 'info' : 'warn'}` },
          { workspace },
        ),
      ),
    );
    const runs = [a!, b!];
    expect(runs.some((r) => r.outputs.status === 'deployed')).toBe(true);
    for (const r of runs) {
      if (r.code === 0) continue;
      // The loser says why and changed nothing: no rollback of the winner.
      expect(r.outputs.status).toBe('failed');
      expect(r.stdout).toMatch(/another (deploy|operation)[^\n]* in progress/);
      expect(r.outputs['rolled-back-to'] ?? '').toBe('');
    }
    const revisions = await history('race', namespace);
    expect(revisions.at(-1)!.status).toBe('deployed');
    expect(revisions.filter((r) => r.status.startsWith('pending'))).toEqual([]);
    // And the next deploy goes through.
    const next = await runDeployAction('deploy', { ...base, release: 'race' }, { workspace });
    expect(next.outputs.status).toBe('deployed');
  });
});
