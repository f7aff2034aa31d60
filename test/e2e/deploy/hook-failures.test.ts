// A hook Job whose pods keep failing fails the deploy fast, as a failing Job
// of the release does: helm, which awaits hooks itself until their
// backoffLimit or the whole timeout, is stopped, the revision rolled back (a
// first install uninstalled), and the abandoned hook Job suspended so that it
// does not retry after the rollback. The test chart's hook Job backs off
// 10 s, 20 s, 40 s... between attempts up to backoffLimit 6, and the timeout
// is 5 minutes: without the hook watch, each case takes minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, deleteNamespace } from '../support.js';
import { history, kubectl, makeWorkspace, runDeployAction } from './harness.js';

const workspace = makeWorkspace();
let namespace = '';

beforeAll(async () => {
  namespace = await createNamespace('hookfail');
});
afterAll(async () => {
  await deleteNamespace(namespace);
});

function deploy(release: string, set: string[], extra: Record<string, string> = {}) {
  return runDeployAction(
    'deploy',
    {
      release,
      chart: 'test-charts/hooked',
      namespace,
      diff: 'false',
      timeout: '5m',
      set: set.join('\n'),
      ...extra,
    },
    { workspace },
  );
}

async function jobSuspended(name: string): Promise<string> {
  return kubectl(['get', 'job', name, '-n', namespace, '-o', 'jsonpath={.spec.suspend}']);
}

describe('deploy: a failing hook Job fails the deploy without waiting for helm', () => {
  it('pre-upgrade hook, a new pod per attempt (restartPolicy Never): rolled back', async () => {
    const first = await deploy('premig', []);
    expect(first.outputs.status, first.stdout).toBe('deployed');
    const started = Date.now();
    const run = await deploy('premig', [
      'hook.backoffLimit=6',
      'hook.podAnnotations.hotswap\\.dev/simulate=fail',
      'replicaCount=2',
    ]);
    const elapsed = Date.now() - started;
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.outputs.revision).toBe('2');
    expect(run.outputs['rolled-back-to']).toBe('1');
    // Two failed attempts (10 s of back-off between them), not six or the 5 minutes.
    expect(elapsed).toBeLessThan(60_000);
    expect(run.summary).toContain('| Job/premig-migrate | JobAttemptsFailing |');
    expect(run.stdout).toContain('stopping helm upgrade');
    expect(run.stdout).toContain('helm upgrade was stopped rather than left waiting for the hook');
    const revisions = await history('premig', namespace);
    expect(revisions.map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
    expect(revisions.at(-1)!.description).toMatch(/^Rollback to 1/);
    const replicas = await kubectl([
      'get',
      'deployment',
      'premig-web',
      '-n',
      namespace,
      '-o',
      'jsonpath={.spec.replicas}',
    ]);
    expect(replicas).toBe('1');
    expect(await jobSuspended('premig-migrate')).toBe('true');

    // The suspended Job of the failed run, with its failed pods, is still
    // there when the next upgrade starts: helm replaces it
    // (before-hook-creation), and it does not fail the healthy upgrade.
    const next = await deploy('premig', ['replicaCount=2']);
    expect(next.outputs.status, next.stdout).toBe('deployed');
    expect(next.stdout).not.toContain('Hook failing');

    // Failing again: the summary shows the events of this run's Job, not
    // those the earlier Jobs of that name left (their pods, their suspension).
    const again = await deploy('premig', [
      'hook.backoffLimit=6',
      'hook.podAnnotations.hotswap\\.dev/simulate=fail',
    ]);
    expect(again.outputs.status, again.stdout).toBe('rolled-back');
    const details = again.summary.slice(again.summary.indexOf('<summary>Job/premig-migrate'));
    const events = details.slice(0, details.indexOf('</details>'));
    expect(events.match(/SuccessfulCreate: Created pod/g)).toHaveLength(2);
  });

  it('post-install hook restarted in place (restartPolicy OnFailure): first install removed', async () => {
    const started = Date.now();
    const run = await deploy('postchk', [
      'hook.events=post-install',
      'hook.restartPolicy=OnFailure',
      // Restarts in place count towards it: 20 of them take minutes.
      'hook.backoffLimit=20',
      'hook.podAnnotations.hotswap\\.dev/simulate=crash-loop',
    ]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.summary).toMatch(/\| Pod\/postchk-migrate-\w+ \| CrashLoopBackOff \|/);
    expect(await history('postchk', namespace)).toEqual([]);
    expect(await jobSuspended('postchk-migrate')).toBe('true');
  });

  it('a bare hook Pod restarted in place: rolled back, and the Pod deleted so that it stops retrying', async () => {
    const first = await deploy('barepod', []);
    expect(first.outputs.status, first.stdout).toBe('deployed');
    const started = Date.now();
    const run = await deploy('barepod', [
      'hook.kind=Pod',
      'hook.restartPolicy=OnFailure',
      'hook.podAnnotations.hotswap\\.dev/simulate=crash-loop',
    ]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.summary).toMatch(/\| Pod\/barepod-migrate \| CrashLoopBackOff \|/);
    expect(run.stdout).toContain(
      'Pod/barepod-migrate: deleted, so that the hook does not retry after this deploy',
    );
    // Gone, or going: a bare Pod cannot be suspended.
    const left = await kubectl([
      'get',
      'pod',
      'barepod-migrate',
      '-n',
      namespace,
      '--ignore-not-found',
      '-o',
      'jsonpath={.metadata.deletionTimestamp}',
    ]);
    const exists = await kubectl([
      'get',
      'pod',
      'barepod-migrate',
      '-n',
      namespace,
      '--ignore-not-found',
      '-o',
      'name',
    ]);
    expect(exists === '' || left !== '').toBe(true);
  });

  it("wait: helm and a hook that also runs before a rollback: the Job helm's rollback ran is left alone", async () => {
    const hook = ['hook.events=pre-upgrade\\,pre-rollback'];
    const first = await deploy('rbhook', hook, { wait: 'helm' });
    expect(first.outputs.status, first.stdout).toBe('deployed');
    const run = await deploy(
      'rbhook',
      [...hook, 'hook.backoffLimit=6', 'hook.podAnnotations.hotswap\\.dev/simulate=fail'],
      { wait: 'helm' },
    );
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    // helm's own rollback replaced the failing Job with the earlier revision's, which ran.
    expect(run.stdout).toContain(
      'Job/rbhook-migrate: left alone, a new one of that name was created since the hook failed',
    );
    expect(await jobSuspended('rbhook-migrate')).not.toBe('true');
  });

  it('wait: helm with helm 3: helm stopped, its own rollback acknowledged, a hook-failed hook deleted', async () => {
    const first = await deploy('h3mig', [], { helm: 'helm3' });
    expect(first.outputs.status, first.stdout).toBe('deployed');
    const started = Date.now();
    const run = await deploy(
      'h3mig',
      [
        'hook.backoffLimit=6',
        'hook.podAnnotations.hotswap\\.dev/simulate=fail',
        'hook.deletePolicy=before-hook-creation\\,hook-failed',
      ],
      { helm: 'helm3', wait: 'helm' },
    );
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.outputs.revision).toBe('2');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(Date.now() - started).toBeLessThan(60_000);
    const revisions = await history('h3mig', namespace);
    expect(revisions.map((r) => r.status)).toEqual(['superseded', 'failed', 'deployed']);
    // Its delete policy has hook-failed: deleted, as helm deletes a hook that failed.
    expect(run.stdout).toContain('Job/h3mig-migrate: deleted (hook-delete-policy hook-failed)');
    const left = await kubectl([
      'get',
      'job',
      'h3mig-migrate',
      '-n',
      namespace,
      '--ignore-not-found',
      '-o',
      'name',
    ]);
    expect(left).toBe('');
  });
});
