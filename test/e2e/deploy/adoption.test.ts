// A release deployed before these actions were used has no verification
// record: the first deploy judges its current revision before the upgrade,
// records it as verified when healthy (and rolls back to it), or says it is
// not healthy and falls back to helm's last deployed revision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helm, history, kubectl, makeWorkspace, records, runDeployAction } from './harness.js';

const namespace = `adopt-${process.pid}`;
const workspace = makeWorkspace();
const base = {
  chart: 'chart/hotswap',
  namespace,
  'values-files': 'chart/environments/dev.yaml',
  diff: 'false',
  timeout: '2m',
};
const CRASH = 'podAnnotations.hotswap\\.dev/simulate=crash-loop';

/** `helm upgrade --install` by hand, as before these actions: no record of ours. */
async function installByHand(release: string, extra: string[] = []): Promise<void> {
  await helm([
    'upgrade',
    '--install',
    release,
    `${workspace}/chart/hotswap`,
    '-n',
    namespace,
    '-f',
    `${workspace}/chart/environments/dev.yaml`,
    ...extra,
  ]);
  expect((await records(release, namespace)).present).toBe(false);
}

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: adopting a release never verified', () => {
  it('a healthy current revision is recorded as verified and is the rollback target', async () => {
    await installByHand('adopted', ['--wait=watcher', '--timeout', '2m']);
    const run = await runDeployAction(
      'deploy',
      { ...base, release: 'adopted', set: CRASH },
      { workspace },
    );
    expect(run.stdout).toMatch(/has no verification record: judging its current revision 1/);
    expect(run.summary).toContain(
      'revision 1, deployed before these actions handled the release, is healthy and now recorded as verified',
    );
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back-to': '1' });
    expect(run.summary).toContain('rolled back to verified revision 1');
    const marks = (await records('adopted', namespace)).marks;
    expect(marks.get(1)).toEqual({ verified: true });
    expect(marks.get(2)).toEqual({ rejected: true });
    expect(marks.get(3)).toEqual({ verified: true });
  });

  it("an unhealthy current revision is said to be so; helm's last deployed is the fallback", async () => {
    await installByHand('broken', ['--set', CRASH]);
    const run = await runDeployAction(
      'deploy',
      { ...base, release: 'broken', set: 'podAnnotations.hotswap\\.dev/simulate=image-pull' },
      { workspace },
    );
    expect(run.summary).toMatch(
      /revision 1, deployed before these actions handled the release, is not healthy: Pod\/broken-hotswap-\S+ CrashLoopBackOff; if this deploy fails it falls back to helm's last deployed revision/,
    );
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toMatch(
      /Rolling back 'broken' to revision 1 \(no verified revision; helm's last good/,
    );
    expect(run.outputs['last-verified-revision']).toBe('');
    expect((await history('broken', namespace)).at(-1)!.description).toMatch(/^Rollback to 1/);
    // Nothing was recorded as verified: the next deploy judges the release again.
    expect((await records('broken', namespace)).marks.get(1)).toEqual({});
  });
});
