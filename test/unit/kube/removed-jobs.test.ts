import { describe, expect, it } from 'vitest';
import type { KubeEvent, KubeObject } from '../../../src/kube/kubectl.js';
import { releaseObjects } from '../../../src/kube/release-objects.js';
import { removedJobVerdict } from '../../../src/kube/removed-jobs.js';
import { assessRollout } from '../../../src/kube/rollout.js';

const NS = 'shop';
const policy = { crashLoopRestarts: 2, unschedulableGraceMs: 30_000 };
const [job] = releaseObjects(
  `apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec: { ttlSecondsAfterFinished: 0, template: { spec: { restartPolicy: Never } } }
`,
  NS,
);

function event(uid: string, at: string, reason: string, type = 'Normal', message = ''): KubeEvent {
  return {
    type,
    reason,
    message,
    lastTimestamp: at,
    involvedObject: { kind: 'Job', name: 'migrate', uid },
  };
}

const created = (uid: string, at: string) => event(uid, at, 'SuccessfulCreate');

describe('a Job removed after it finished (ttlSecondsAfterFinished)', () => {
  it('keeps the TTL of the manifest on the release object', () => {
    expect(job).toMatchObject({ kind: 'Job', namespace: NS, ttlSecondsAfterFinished: 0 });
  });

  it('is done when its events say it completed', () => {
    const events = [
      created('b', '2026-01-01T00:00:01Z'),
      event('b', '2026-01-01T00:00:03Z', 'Completed'),
    ];
    expect(removedJobVerdict(job!, events)).toEqual({});
  });

  it('failed when its events say it failed, with the reason and the removal', () => {
    const events = [
      created('b', '2026-01-01T00:00:01Z'),
      event(
        'b',
        '2026-01-01T00:00:20Z',
        'BackoffLimitExceeded',
        'Warning',
        'Job has reached the specified backoff limit',
      ),
    ];
    expect(removedJobVerdict(job!, events)).toEqual({
      failure: {
        object: 'Job/migrate',
        reason: 'BackoffLimitExceeded',
        message:
          'Job has reached the specified backoff limit; removed 0 s after it finished (ttlSecondsAfterFinished)',
      },
    });
  });

  it("judges the newest Job of that name, not an earlier revision's", () => {
    const earlierCompleted = [
      created('a', '2026-01-01T00:00:01Z'),
      event('a', '2026-01-01T00:00:03Z', 'Completed'),
    ];
    const newestFailed = event(
      'b',
      '2026-01-01T00:05:20Z',
      'DeadlineExceeded',
      'Warning',
      'deadline',
    );
    expect(
      removedJobVerdict(job!, [
        ...earlierCompleted,
        created('b', '2026-01-01T00:05:01Z'),
        newestFailed,
      ]),
    ).toMatchObject({ failure: { reason: 'DeadlineExceeded' } });
    // ...and an earlier Job's failure does not fail the one that completed since.
    const earlierFailed = event('a', '2026-01-01T00:00:20Z', 'BackoffLimitExceeded', 'Warning');
    const newestCompleted = [
      created('b', '2026-01-01T00:05:01Z'),
      event('b', '2026-01-01T00:05:03Z', 'Completed'),
    ];
    expect(removedJobVerdict(job!, [earlierFailed, ...newestCompleted])).toEqual({});
  });

  it('is still awaited when two Jobs of that name began in the same second', () => {
    const events = [
      created('a', '2026-01-01T00:00:01Z'),
      event('a', '2026-01-01T00:00:01Z', 'Completed'),
      created('b', '2026-01-01T00:00:01Z'),
    ];
    expect(removedJobVerdict(job!, events)).toEqual({ waiting: 'Job/migrate: not found' });
  });

  it('is still awaited when nothing says how it ended', () => {
    expect(removedJobVerdict(job!, [created('b', '2026-01-01T00:00:01Z')])).toEqual({
      waiting: 'Job/migrate: not found',
    });
  });

  it('lets the rollout end ready or failed instead of waiting for a Job that is gone', () => {
    const judge = (events?: KubeEvent[]) =>
      assessRollout(
        {
          releaseNamespace: NS,
          objects: [{ ref: job!, events }],
          pods: [],
          replicaSets: [],
          controllerRevisions: [],
        },
        policy,
        0,
      );
    expect(judge([event('b', '2026-01-01T00:00:03Z', 'Completed')]).state).toBe('ready');
    expect(
      judge([event('b', '2026-01-01T00:00:03Z', 'BackoffLimitExceeded', 'Warning')]).failures,
    ).toMatchObject([{ object: 'Job/migrate', reason: 'BackoffLimitExceeded' }]);
    expect(judge(undefined).waitingFor).toEqual(['Job/migrate: not found']);
  });

  it('does not apply to a Job without a TTL: not found stays not found', () => {
    const [plain] = releaseObjects(
      'apiVersion: batch/v1\nkind: Job\nmetadata: { name: migrate }\nspec: {}\n',
      NS,
    );
    const a = assessRollout(
      {
        releaseNamespace: NS,
        objects: [{ ref: plain!, events: [event('b', '2026-01-01T00:00:03Z', 'Completed')] }],
        pods: [] as KubeObject[],
        replicaSets: [],
        controllerRevisions: [],
      },
      policy,
      0,
    );
    expect(a.waitingFor).toEqual(['Job/migrate: not found']);
  });
});
