import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/exec/command.js';
import { Kubectl, type KubeObject } from '../../src/kube/kubectl.js';
import { watchHooks } from '../../src/release/hook-watch.js';

const RECORD_CREATED = '2026-12-01T10:00:10Z';

/** The pending record helm writes for upgrade revision 2, with one pre-upgrade hook Job. */
function pendingRecord(): KubeObject & { data: { release: string } } {
  const release = {
    name: 'web',
    version: 2,
    hooks: [
      {
        name: 'web-migrate',
        kind: 'Job',
        events: ['pre-upgrade'],
        manifest:
          'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: web-migrate\n  annotations:\n    helm.sh/hook: pre-upgrade\n',
      },
    ],
  };
  const helmEncoded = gzipSync(JSON.stringify(release)).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'sh.helm.release.v1.web.v2',
      namespace: 'shop',
      creationTimestamp: RECORD_CREATED,
      labels: { owner: 'helm', name: 'web', version: '2', status: 'pending-upgrade' },
    },
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  };
}

/** A hook Job created at `created` whose two pods (restartPolicy Never) failed. */
function failingJob(uid: string, created: string): KubeObject[] {
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'web-migrate', namespace: 'shop', uid, creationTimestamp: created },
    spec: {
      backoffLimit: 6,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      template: { spec: { restartPolicy: 'Never' } },
    },
    status: { failed: 2 },
  };
  const pod = (name: string, finishedAt: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      creationTimestamp: created,
      labels: { 'batch.kubernetes.io/controller-uid': uid },
      ownerReferences: [{ kind: 'Job', name: 'web-migrate', uid }],
    },
    spec: { restartPolicy: 'Never', containers: [{ name: 'migrate' }] },
    status: {
      phase: 'Failed',
      containerStatuses: [
        { name: 'migrate', state: { terminated: { exitCode: 1, reason: 'Error', finishedAt } } },
      ],
    },
  });
  return [job, pod(`web-migrate-${uid}-a`, created), pod(`web-migrate-${uid}-b`, created)];
}

/** Answers the record read and the hook snapshot from fixed objects. */
class FakeKubectl extends Kubectl {
  constructor(private readonly live: KubeObject[]) {
    super({ kubectl: 'kubectl' });
  }
  override run(args: readonly string[]): Promise<CommandResult> {
    const items = args[1] === 'secret' ? [pendingRecord()] : this.live;
    return Promise.resolve({ code: 0, stdout: JSON.stringify({ items }), stderr: '' });
  }
}

function watch(live: KubeObject[], forMs: number) {
  const helmEnded = new AbortController();
  setTimeout(() => helmEnded.abort(), forMs);
  return watchHooks(new FakeKubectl(live), {
    release: 'web',
    namespace: 'shop',
    afterRevision: 1,
    policy: { crashLoopRestarts: 1, unschedulableGraceMs: 30_000 },
    pollMs: 20,
    signal: helmEnded.signal,
  });
}

describe('watchHooks', () => {
  it("fails on this operation's hook Job whose attempts keep failing", async () => {
    const failure = await watch(failingJob('new', '2026-12-01T10:00:11Z'), 2_000);
    expect(failure?.revision).toBe(2);
    expect(failure?.failures.map((f) => `${f.object} ${f.reason}`)).toEqual([
      'Job/web-migrate JobAttemptsFailing',
    ]);
    expect(failure?.abandoned).toEqual([
      { kind: 'Job', namespace: 'shop', name: 'web-migrate', uid: 'new', deleteOnFailure: false },
    ]);
  });

  it('ignores a Job of that name an earlier run left, created before the record', async () => {
    // helm has not replaced it yet (before-hook-creation): it says nothing about this upgrade.
    expect(await watch(failingJob('old', '2026-12-01T09:58:00Z'), 300)).toBeUndefined();
  });

  it('stops when helm has ended', async () => {
    expect(await watch([], 100)).toBeUndefined();
  });
});
