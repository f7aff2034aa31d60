// stable-for: after the rollout watch found the new revision Ready, the deploy
// keeps watching it. A healthy revision passes once the window is over; a pod
// that restarts inside the window (on kwok: the crash-loop stages, started by
// annotating the pod once the deploy said it was Ready) fails the deploy, which
// is rolled back like any other failure.
import { describe, expect, it } from 'vitest';
import { goodReleaseFixture, history, kubectl, runDeployAction } from './harness.js';

const { namespace, workspace, base } = goodReleaseFixture({
  prefix: 'stable',
  release: 'steady',
  dbPassword: 'stable-db-pass-5678',
});

/** Pods of the release carrying podAnnotations.round=<round>, not being deleted. */
async function podsOfRound(round: string): Promise<string[]> {
  const pods = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-o', 'json'])) as {
    items: {
      metadata: { name: string; annotations?: Record<string, string>; deletionTimestamp?: string };
    }[];
  };
  return pods.items
    .filter((p) => p.metadata.annotations?.round === round && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name);
}

describe('deploy: stable-for', () => {
  it('passes a healthy revision once it stayed Ready for the whole window', async () => {
    const started = Date.now();
    const run = await runDeployAction(
      'deploy',
      { ...base, set: 'podAnnotations.round=healthy', 'stable-for': '8s' },
      { workspace },
    );
    const elapsed = Date.now() - started;
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.stdout).toContain('watching that it stays so for 8s');
    expect(run.stdout).toContain('stayed Ready for 8s');
    expect(elapsed).toBeGreaterThanOrEqual(8000);
    expect((await history('steady', namespace)).map((r) => r.status)).toEqual([
      'superseded',
      'deployed',
    ]);
  });

  it('fails and rolls back a revision whose pod restarts after it was Ready', async () => {
    let annotated: Promise<unknown> | undefined;
    let seen = '';
    const started = Date.now();
    const run = await runDeployAction(
      'deploy',
      { ...base, set: 'podAnnotations.round=unstable', 'stable-for': '90s' },
      {
        workspace,
        onSpawn: (child) =>
          child.stdout?.on('data', (d: Buffer) => {
            seen += d.toString();
            if (annotated || !seen.includes('watching that it stays so')) return;
            // Ready by the deploy's own account: now its container crashes (kwok's crash-loop stages).
            annotated = podsOfRound('unstable').then((pods) =>
              kubectl([
                'annotate',
                'pod',
                '-n',
                namespace,
                '--overwrite',
                ...pods,
                'hotswap.dev/simulate=crash-loop',
              ]),
            );
          }),
      },
    );
    const elapsed = Date.now() - started;
    await annotated;
    const output = `${run.stdout}\n${run.stderr}`;
    expect(annotated, output).toBeDefined();
    expect(run.code, output).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.outputs.revision).toBe('3');
    expect(run.outputs['rolled-back-to']).toBe('2');
    expect(run.summary).toMatch(/\| Pod\/steady-hotswap-[a-z0-9]+-[a-z0-9]+ \| /);
    expect(run.summary).toMatch(/restarted after the revision was Ready \(restarts 0 -> 1/);
    expect(run.stdout).toMatch(
      /::error::Deploy of steady rolled-back .*revision 3 failed within stable-for 90s after it was Ready: Pod\/steady-hotswap-\S+ Restarted/,
    );
    // Called at the restart, long before the window would have ended.
    expect(elapsed).toBeLessThan(60_000);
    const revisions = await history('steady', namespace);
    expect(revisions.map((r) => r.status)).toEqual([
      'superseded',
      'superseded',
      'superseded',
      'deployed',
    ]);
    expect(revisions.at(-1)!.description).toMatch(/^Rollback to 2/);
  });
});
