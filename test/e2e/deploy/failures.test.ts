// Bad upgrades of each kind are caught by the rollout watch (or helm, for a
// hook) and rolled back to the last good revision automatically; the summary
// names the failing object and the reason, and helm history shows the rollback.
import { describe, expect, it } from 'vitest';
import { goodReleaseFixture, history, kubectl, runDeployAction } from './harness.js';

const { namespace, workspace, base } = goodReleaseFixture({
  prefix: 'faults',
  release: 'faulty',
  dbPassword: 'faults-db-pass-1234',
});

const cases = [
  {
    kind: 'crash loop',
    set: 'podAnnotations.hotswap\\.dev/simulate=crash-loop',
    reason: 'CrashLoopBackOff',
  },
  {
    kind: 'image pull failure',
    set: 'podAnnotations.hotswap\\.dev/simulate=image-pull',
    reason: /ErrImagePull|ImagePullBackOff/,
  },
  {
    kind: 'unschedulable pod',
    set: 'nodeSelector.hotswap\\.dev/no-such-node=nowhere',
    reason: 'Unschedulable',
    extra: { 'unschedulable-grace': '3s' },
  },
];

describe('deploy: a bad upgrade is detected and rolled back', () => {
  for (const c of cases) {
    it(`${c.kind}`, async () => {
      const before = await history('faulty', namespace);
      const good = before.filter((r) => r.status === 'deployed').at(-1)!.revision;
      const started = Date.now();
      const run = await runDeployAction(
        'deploy',
        { ...base, set: c.set, ...c.extra },
        { workspace },
      );
      const elapsed = Date.now() - started;
      expect(run.code).toBe(1);
      expect(run.outputs.status).toBe('rolled-back');
      const bad = Number(run.outputs.revision);
      expect(bad).toBe(before.at(-1)!.revision + 1);
      expect(run.outputs['rolled-back-to']).toBe(String(good));
      // Named object and reason, in the summary and in the error.
      expect(run.summary).toMatch(/\| Pod\/faulty-hotswap-[a-z0-9]+-[a-z0-9]+ \| /);
      expect(run.summary).toMatch(c.reason);
      expect(run.stdout).toMatch(
        new RegExp(
          `::error::.*Pod/faulty-hotswap-.*${typeof c.reason === 'string' ? c.reason : 'ImagePull'}`,
        ),
      );
      expect(run.summary).toContain('Recent events');
      expect(run.summary).toContain('no logs available');
      expect(run.summary).toMatch(
        /Time by phase: prepare \d+\.\ds · upgrade \d+\.\ds · watch \d+\.\ds · rollback \d+\.\ds/,
      );
      // Far sooner than the 2-minute timeout.
      expect(elapsed).toBeLessThan(60_000);

      const after = await history('faulty', namespace);
      const last = after.at(-1)!;
      expect(last.revision).toBe(bad + 1);
      expect(last.status).toBe('deployed');
      expect(last.description).toMatch(new RegExp(`^Rollback to ${good}`));
      // The running Deployment is the good one again.
      const spec = await kubectl([
        'get',
        'deployment',
        'faulty-hotswap',
        '-n',
        namespace,
        '-o',
        'json',
      ]);
      expect(spec).not.toContain('hotswap.dev/simulate');
      expect(spec).not.toContain('no-such-node');
    });
  }

  it('failing pre-upgrade hook', async () => {
    const hooked = {
      release: 'hooked',
      chart: 'test-charts/hooked',
      namespace,
      diff: 'false',
      timeout: '2m',
    };
    const first = await runDeployAction('deploy', hooked, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');
    const run = await runDeployAction(
      'deploy',
      { ...hooked, set: 'hook.podAnnotations.hotswap\\.dev/simulate=fail\nreplicaCount=2' },
      { workspace },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.summary).toContain('Job/hooked-migrate');
    expect(run.summary).toMatch(/pre-upgrade hooks failed|BackoffLimitExceeded/);
    const revisions = await history('hooked', namespace);
    expect(revisions.map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
    expect(revisions.at(-1)!.description).toMatch(/^Rollback to 1/);
    const replicas = await kubectl([
      'get',
      'deployment',
      'hooked-web',
      '-n',
      namespace,
      '-o',
      'jsonpath={.spec.replicas}',
    ]);
    expect(replicas).toBe('1');
  });
});
