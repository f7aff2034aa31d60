// The rollout watch on a chart that is not ours: its objects carry no
// app.kubernetes.io/instance label, only their own selectors. A broken upgrade
// is still caught (Deployment pods through their ReplicaSet, StatefulSet pods
// through their controller revision) and rolled back; a StatefulSet with
// updateStrategy OnDelete is reported as not rolled out, and fails under
// require-rollout. A Job the cluster removes as soon as it finished
// (ttlSecondsAfterFinished 0) is judged from the events it left, not awaited
// until the timeout. A deploy over a broken revision left in place deletes
// the StatefulSet pod stuck on it, as a rollback does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { history, kubectl, makeWorkspace, runDeployAction } from './harness.js';

const namespace = `anychart-${process.pid}`;
const workspace = makeWorkspace();
const base = { chart: 'test-charts/unlabeled', namespace, diff: 'false', timeout: '2m' };

async function podsOf(
  selector: string,
): Promise<{ name: string; hash: string; deleting: boolean }[]> {
  const list = JSON.parse(
    await kubectl(['get', 'pods', '-n', namespace, '-l', selector, '-o', 'json']),
  ) as {
    items: {
      metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
    }[];
  };
  return list.items.map((p) => ({
    name: p.metadata.name,
    hash: p.metadata.labels?.['controller-revision-hash'] ?? '',
    deleting: Boolean(p.metadata.deletionTimestamp),
  }));
}

async function statefulSet(
  name: string,
): Promise<{ updateRevision: string; readyReplicas?: number }> {
  return (
    JSON.parse(await kubectl(['get', 'statefulset', name, '-n', namespace, '-o', 'json'])) as {
      status: { updateRevision: string; readyReplicas?: number };
    }
  ).status;
}

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: a chart without app.kubernetes.io/instance labels', () => {
  const release = { ...base, release: 'plain' };

  it('installs, and watches the objects of its manifest', async () => {
    const run = await runDeployAction('deploy', release, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.outputs.warnings).toBe('');
    // The watch waited for the chart's own objects (the old label watch saw none).
    expect(run.stdout).toMatch(
      /revision 1: waiting for .*(Deployment\/plain-web|StatefulSet\/plain-db)/,
    );
    expect(
      await kubectl([
        'get',
        'deployment',
        'plain-web',
        '-n',
        namespace,
        '-o',
        'jsonpath={.status.availableReplicas}',
      ]),
    ).toBe('1');
  });

  it('a crash-looping upgrade of the Deployment is rolled back', async () => {
    const run = await runDeployAction(
      'deploy',
      { ...release, set: 'web.podAnnotations.hotswap\\.dev/simulate=crash-loop' },
      { workspace },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.summary).toMatch(/\| Pod\/plain-web-[a-z0-9]+-[a-z0-9]+ \| CrashLoopBackOff \|/);
    const last = (await history('plain', namespace)).at(-1)!;
    expect(last).toMatchObject({ revision: 3, status: 'deployed' });
    expect(last.description).toMatch(/^Rollback to 1/);
    const spec = await kubectl(['get', 'deployment', 'plain-web', '-n', namespace, '-o', 'json']);
    expect(spec).not.toContain('hotswap.dev/simulate');
  });

  it('a StatefulSet pod stuck on the broken revision is deleted after the rollback', async () => {
    const good = (await statefulSet('plain-db')).updateRevision;
    const run = await runDeployAction(
      'deploy',
      { ...release, set: 'db.podAnnotations.hotswap\\.dev/simulate=image-pull' },
      { workspace },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.summary).toMatch(/\| Pod\/plain-db-0 \| (ErrImagePull|ImagePullBackOff) \|/);
    // The controller does not replace a never-Ready pod of the broken revision
    // after a rollback: the deploy deleted it and says so.
    expect(run.summary).toContain(
      '**Forced rollback:** deleted pod(s) ' + `${namespace}/plain-db-0`,
    );
    const sts = await statefulSet('plain-db');
    expect(sts.updateRevision).toBe(good);
    expect(sts.readyReplicas).toBe(1);
    const live = (await podsOf('role=plain-db')).filter((p) => !p.deleting);
    expect(live).toEqual([{ name: 'plain-db-0', hash: good, deleting: false }]);
  });
});

describe('rollback action: verified on the revision it restores', () => {
  it('deletes the StatefulSet pod stuck on the broken revision and judges only restored pods', async () => {
    const release = { ...base, release: 'manual' };
    const first = await runDeployAction('deploy', release, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');
    const good = (await statefulSet('manual-db')).updateRevision;
    // A broken revision 2 left in place: both workloads' new pods fail.
    const bad = await runDeployAction(
      'deploy',
      {
        ...release,
        set: 'db.podAnnotations.hotswap\\.dev/simulate=image-pull\nweb.podAnnotations.hotswap\\.dev/simulate=crash-loop',
        'rollback-on-failure': 'false',
      },
      { workspace },
    );
    expect(bad.outputs.status, bad.stdout).toBe('failed');

    const run = await runDeployAction(
      'rollback',
      { release: 'manual', namespace, timeout: '2m' },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-revision': '2',
      'to-revision': '1',
      warnings: '',
    });
    expect(run.summary).toContain(`**Forced rollback:** deleted pod(s) ${namespace}/manual-db-0`);
    const sts = await statefulSet('manual-db');
    expect(sts).toMatchObject({ updateRevision: good, readyReplicas: 1 });
  });
});

describe('deploy: a StatefulSet with updateStrategy OnDelete', () => {
  const onDelete = 'db.updateStrategy=OnDelete';

  it('an upgrade its pods do not run is deployed with a warning naming the StatefulSet', async () => {
    const release = { ...base, release: 'lazy', set: onDelete };
    const first = await runDeployAction('deploy', release, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');
    expect(first.outputs.warnings).toBe('');

    const run = await runDeployAction(
      'deploy',
      { ...release, set: `${onDelete}\ndb.podAnnotations.rev=two` },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    const line =
      'StatefulSet/lazy-db uses updateStrategy OnDelete: 0 of 1 pods run the new revision (delete the old pods to roll it out)';
    expect(run.outputs.warnings).toBe(line);
    expect(run.stdout).toContain(`::warning::Not rolled out: ${line}`);
    expect(run.summary.split('\n')).toContain(`> ⚠️ **Not rolled out:** ${line}`);
  });

  it('fails and is rolled back under require-rollout', async () => {
    const release = { ...base, release: 'strict', set: onDelete, 'require-rollout': 'true' };
    const first = await runDeployAction('deploy', release, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');

    const run = await runDeployAction(
      'deploy',
      { ...release, set: `${onDelete}\ndb.podAnnotations.rev=two` },
      { workspace },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.summary).toMatch(
      /\| StatefulSet\/strict-db \| NotRolledOut \| StatefulSet\/strict-db uses updateStrategy OnDelete/,
    );
    expect(run.outputs.warnings).toBe('');
    // helm applied revision 2 successfully (it shows superseded); the rollback names why.
    const revisions = await history('strict', namespace);
    expect(revisions.map((r) => r.status)).toEqual(['superseded', 'superseded', 'deployed']);
    expect(revisions.at(-1)!.description).toMatch(
      /^Rollback to 1: revision 2 failed \(StatefulSet\/strict-db NotRolledOut\)/,
    );
  });
});

describe('deploy: a paused Deployment', () => {
  it('an upgrade it does not roll out is deployed with a warning naming the Deployment', async () => {
    const release = { ...base, release: 'held', set: 'db.enabled=false' };
    const first = await runDeployAction('deploy', release, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');

    const run = await runDeployAction(
      'deploy',
      { ...release, set: 'db.enabled=false\nweb.paused=true\nweb.podAnnotations.rev=two' },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    const line =
      'Deployment/held-web is paused: its new revision is not rolled out (0 of 1 pods run it)';
    expect(run.outputs.warnings).toBe(line);
    expect(run.summary.split('\n')).toContain(`> ⚠️ **Not rolled out:** ${line}`);
  });
});

describe('deploy: a Job the cluster removes once it finished (ttlSecondsAfterFinished 0)', () => {
  const release = {
    ...base,
    release: 'tidy',
    timeout: '1m',
    set: 'db.enabled=false\njob.enabled=true',
  };
  const jobGone = async () =>
    (await kubectl(['get', 'jobs', '-n', namespace, '-o', 'name'])).includes('job.batch/tidy-once')
      ? 'present'
      : 'gone';

  it('a healthy install ends deployed, judged from the events the Job left', async () => {
    const run = await runDeployAction('deploy', release, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.stdout).not.toMatch(/did not become ready/);
    expect(await jobGone()).toBe('gone');
  });

  it('an upgrade whose Job fails is rolled back, naming the Job and why', async () => {
    const run = await runDeployAction(
      'deploy',
      { ...release, set: `${release.set}\njob.podAnnotations.hotswap\\.dev/simulate=fail` },
      { workspace },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.summary).toMatch(/Job\/tidy-once.*BackoffLimitExceeded/);
    // The rollback's own Job ran again, completed and was removed: verified from its events.
    expect((await history('tidy', namespace)).at(-1)?.status).toBe('deployed');
    expect(await jobGone()).toBe('gone');
  });
});

describe('deploy over a broken revision left in place', () => {
  it('deletes the StatefulSet pod stuck on it, so the next revision rolls out', async () => {
    const release = { ...base, release: 'over', timeout: '40s' };
    const first = await runDeployAction('deploy', release, { workspace });
    expect(first.outputs.status, first.stdout).toBe('deployed');
    const good = (await statefulSet('over-db')).updateRevision;
    // With helm's own wait, neither helm's rollback nor the step's can get
    // past the db pod of the broken revision: the template is restored, the
    // crash-looping pod stays.
    const bad = await runDeployAction(
      'deploy',
      {
        ...release,
        wait: 'helm',
        timeout: '20s',
        set: 'db.podAnnotations.hotswap\\.dev/simulate=crash-loop',
      },
      { workspace },
    );
    expect(bad.outputs.status, bad.stdout).toBe('failed');
    expect((await statefulSet('over-db')).updateRevision).toBe(good);
    // The next deploy: the controller would wait forever for that pod.
    const run = await runDeployAction('deploy', release, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.summary).toContain(`**Forced rollback:** deleted pod(s) ${namespace}/over-db-0`);
    const sts = await statefulSet('over-db');
    expect(sts).toMatchObject({ updateRevision: good, readyReplicas: 1 });
  });
});
