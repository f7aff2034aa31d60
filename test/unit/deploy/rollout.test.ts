import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/kubectl.js';
import { assessRollout } from '../../../src/kube/rollout.js';

const policy = { crashLoopRestarts: 2, unschedulableGraceMs: 30_000 };
const NOW = Date.parse('2026-01-01T00:10:00Z');

function deployment(status: Record<string, unknown>, replicas = 2, generation = 3): KubeObject {
  return { kind: 'Deployment', metadata: { name: 'web', generation }, spec: { replicas }, status };
}

function pod(
  status: Record<string, unknown>,
  extra: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return {
    kind: 'Pod',
    metadata: { name: 'web-1', ...extra },
    spec: { containers: [{ name: 'api' }] },
    status,
  };
}

const waiting = (reason: string, restartCount = 0) => ({
  phase: 'Running',
  containerStatuses: [
    { name: 'api', restartCount, state: { waiting: { reason, message: `${reason} details` } } },
  ],
});

describe('assessRollout', () => {
  it('is ready when every replica is updated and available', () => {
    const d = deployment({
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
    expect(assessRollout([d], policy, NOW)).toEqual({
      state: 'ready',
      failures: [],
      waitingFor: [],
    });
  });

  it.each([
    [
      { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      'not yet observed',
    ],
    [
      { observedGeneration: 3, replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
      '1 of 2 replicas updated',
    ],
    [
      { observedGeneration: 3, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
      '1 old replicas pending termination',
    ],
    [
      { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
      '1 of 2 updated replicas available',
    ],
  ])('waits on a deployment %j', (status, text) => {
    const a = assessRollout([deployment(status)], policy, NOW);
    expect(a.state).toBe('progressing');
    expect(a.waitingFor[0]).toContain(text);
  });

  it('fails on ProgressDeadlineExceeded', () => {
    const d = deployment({
      observedGeneration: 3,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'too slow',
        },
      ],
    });
    expect(assessRollout([d], policy, NOW).failures).toEqual([
      { object: 'Deployment/web', reason: 'ProgressDeadlineExceeded', message: 'too slow' },
    ]);
  });

  it.each(['ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName'])(
    'fails at once on %s',
    (reason) => {
      const a = assessRollout([pod(waiting(reason))], policy, NOW);
      expect(a.state).toBe('failed');
      expect(a.failures[0]).toMatchObject({ object: 'Pod/web-1', reason });
    },
  );

  it('tolerates a crash loop below the restart threshold, fails at it', () => {
    expect(assessRollout([pod(waiting('CrashLoopBackOff', 1))], policy, NOW).state).toBe('ready');
    const a = assessRollout([pod(waiting('CrashLoopBackOff', 2))], policy, NOW);
    expect(a.failures[0]).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: 'container api restarted 2 times',
    });
  });

  it('fails an unschedulable pod only after the grace period', () => {
    const unschedulable = (since: string) =>
      pod({
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            lastTransitionTime: since,
            message: '0/3 nodes',
          },
        ],
      });
    expect(assessRollout([unschedulable('2026-01-01T00:09:50Z')], policy, NOW).state).toBe('ready');
    expect(
      assessRollout([unschedulable('2026-01-01T00:09:00Z')], policy, NOW).failures[0],
    ).toMatchObject({
      reason: 'Unschedulable',
      message: '0/3 nodes',
    });
  });

  it('ignores terminating pods and judges Job pods through their Job', () => {
    const terminating = pod(waiting('ErrImagePull'), { deletionTimestamp: '2026-01-01T00:00:00Z' });
    const jobPod = pod(
      { phase: 'Failed' },
      { ownerReferences: [{ kind: 'Job', name: 'm', uid: '1' }] },
    );
    expect(assessRollout([terminating, jobPod], policy, NOW).state).toBe('ready');
  });

  it('judges hook Jobs only when asked', () => {
    const job: KubeObject = {
      kind: 'Job',
      metadata: { name: 'migrate', annotations: { 'helm.sh/hook': 'pre-upgrade' } },
      status: {
        conditions: [
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'limit' },
        ],
      },
    };
    expect(assessRollout([job], policy, NOW).state).toBe('ready');
    expect(assessRollout([job], policy, NOW, { includeHooks: true }).failures[0]).toMatchObject({
      object: 'Job/migrate',
      reason: 'BackoffLimitExceeded',
    });
  });

  it('waits for a plain Job to complete and StatefulSet replicas to be ready', () => {
    const job: KubeObject = { kind: 'Job', metadata: { name: 'seed' }, status: {} };
    const sts: KubeObject = {
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 1 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, updatedReplicas: 1, readyReplicas: 0 },
    };
    expect(assessRollout([job, sts], policy, NOW).waitingFor).toEqual([
      'Job/seed: not complete',
      'StatefulSet/db: 0 of 1 replicas ready',
    ]);
  });
});
