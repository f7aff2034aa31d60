import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/exec/command.js';
import { Kubectl, type KubeObject } from '../../../src/kube/kubectl.js';
import { releaseObjects } from '../../../src/kube/release-objects.js';
import { podInstability, watchStability } from '../../../src/kube/stability.js';

const NS = 'shop';
const policy = { crashLoopRestarts: 2, unschedulableGraceMs: 30_000 };
const objects = releaseObjects(
  `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec: { selector: { matchLabels: { app: db } } }
`,
  NS,
);

const sts: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: NS, uid: 'db-uid', generation: 2 },
  spec: { replicas: 1, selector: { matchLabels: { app: 'db' } } },
  status: {
    observedGeneration: 2,
    replicas: 1,
    readyReplicas: 1,
    updatedReplicas: 1,
    availableReplicas: 1,
    currentReplicas: 1,
    updateRevision: 'db-2',
    currentRevision: 'db-2',
  },
};

interface Container {
  restartCount: number;
  ready?: boolean;
  state?: Record<string, unknown>;
  lastState?: Record<string, unknown>;
}

function pod(c: Container, ready = true, uid = 'pod-uid'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'db-0',
      namespace: NS,
      uid,
      labels: { app: 'db', 'controller-revision-hash': 'db-2' },
      ownerReferences: [{ kind: 'StatefulSet', name: 'db', uid: 'db-uid' }],
    },
    status: {
      phase: 'Running',
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? undefined : 'ContainersNotReady',
          message: ready ? undefined : 'containers with unready status: [db]',
        },
      ],
      containerStatuses: [{ name: 'db', ready, state: { running: {} }, ...c }],
    },
  };
}

const healthy = pod({ restartCount: 0 });
const oomKilled = pod({
  restartCount: 1,
  lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
});

/** A kubectl whose process boundary answers each list from a script, one answer per poll. */
class FakeKubectl extends Kubectl {
  calls = 0;
  constructor(private readonly answer: (call: number) => KubeObject[]) {
    super({ kubectl: 'kubectl' });
  }
  override run(): Promise<CommandResult> {
    const items = this.answer(this.calls++);
    return Promise.resolve({
      code: 0,
      stdout: JSON.stringify({ kind: 'List', items }),
      stderr: '',
    } as CommandResult);
  }
}

describe('podInstability', () => {
  it('finds nothing in a pod unchanged since Ready', () => {
    expect(podInstability(healthy, healthy, 0)).toEqual([]);
  });

  it('names a restart by the last exit reason, e.g. OOMKilled', () => {
    expect(podInstability(oomKilled, healthy, 0)).toEqual([
      {
        object: 'Pod/db-0',
        reason: 'OOMKilled',
        message:
          'container db restarted after the revision was Ready (restarts 0 -> 1; exit code 137 (SIGKILL), OOMKilled)',
      },
    ]);
  });

  it('calls a restart after a plain error exit (a failed liveness probe) Restarted', () => {
    const killed = pod({
      restartCount: 3,
      lastState: { terminated: { reason: 'Error', exitCode: 143 } },
    });
    const [f] = podInstability(killed, pod({ restartCount: 2 }), 0);
    expect(f).toMatchObject({ reason: 'Restarted' });
    expect(f!.message).toContain('restarts 2 -> 3; exit code 143 (SIGTERM), Error');
  });

  it('fails a container terminated now, before the kubelet restarted it', () => {
    const down = pod(
      { restartCount: 0, state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } },
      false,
    );
    expect(podInstability(down, healthy, 0)).toMatchObject([
      { reason: 'OOMKilled', message: expect.stringContaining('terminated after') },
    ]);
  });

  it('fails a pod no longer Ready, and counts a pod not in the baseline from zero', () => {
    expect(podInstability(pod({ restartCount: 0 }, false), healthy, 0)).toMatchObject([
      { object: 'Pod/db-0', reason: 'NotReady', message: expect.stringContaining('unready') },
    ]);
    expect(podInstability(oomKilled, undefined, 0)).toMatchObject([{ reason: 'OOMKilled' }]);
  });

  it('finds nothing in a pod that ran to completion (a Job pod: not Ready, container Completed)', () => {
    const done = completedJobPod();
    expect(podInstability(done, done, 0)).toEqual([]);
    expect(podInstability(done, undefined, 0)).toEqual([]);
  });

  it('finds nothing in a Job attempt that had already failed when the revision was Ready', () => {
    // restartPolicy Never: the attempt ended Failed, the Job retried it in a
    // new pod and completed; the failed pod stays, as the Job controller keeps it.
    const failedAttempt = completedJobPod();
    failedAttempt.spec = { restartPolicy: 'Never' };
    failedAttempt.status = {
      phase: 'Failed',
      conditions: [{ type: 'Ready', status: 'False', reason: 'PodFailed' }],
      containerStatuses: [
        {
          name: 'migrate',
          ready: false,
          restartCount: 0,
          state: { terminated: { reason: 'Error', exitCode: 1 } },
        },
      ],
    };
    expect(podInstability(failedAttempt, failedAttempt, 0)).toEqual([]);
    // One that fails inside the window is still a failure.
    expect(podInstability(failedAttempt, undefined, 0)).toMatchObject([
      { object: 'Pod/migrate-x7k2p', reason: 'Error' },
    ]);
  });

  it('finds nothing in a finished container of a run-to-completion pod whose sidecar still runs', () => {
    const running = completedJobPod();
    running.status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 0 } } },
        { name: 'proxy', restartCount: 0, ready: true, state: { running: {} } },
      ],
    };
    expect(podInstability(running, running, 0)).toEqual([]);
    // The same exit in a pod restarted on exit (a Deployment's) is a failure.
    running.spec = { restartPolicy: 'Always' };
    expect(podInstability(running, running, 0)).toMatchObject([{ object: 'Pod/migrate-x7k2p' }]);
  });
});

/** A pod of Job `migrate`, as the kubelet reports it once the container exited 0. */
function completedJobPod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'migrate-x7k2p',
      namespace: NS,
      uid: 'job-pod-uid',
      labels: { 'batch.kubernetes.io/job-name': 'migrate' },
      ownerReferences: [{ kind: 'Job', name: 'migrate', uid: 'job-uid' }],
    },
    spec: { restartPolicy: 'OnFailure' },
    status: {
      phase: 'Succeeded',
      conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted' }],
      containerStatuses: [
        {
          name: 'migrate',
          ready: false,
          restartCount: 0,
          state: { terminated: { reason: 'Completed', exitCode: 0 } },
        },
      ],
    },
  };
}

describe('watchStability', () => {
  it('holds when nothing changes for the whole window', async () => {
    let t = 0;
    const kubectl = new FakeKubectl(() => {
      t += 100;
      return [sts, healthy];
    });
    const result = await watchStability(kubectl, {
      ...policy,
      namespace: NS,
      objects,
      baseline: [healthy],
      windowMs: 1000,
      pollMs: 1,
      now: () => t,
    });
    expect(result).toMatchObject({ state: 'stable', failures: [] });
    expect(kubectl.calls).toBe(10);
  });

  it('holds for a release with a Job whose pod completed before Ready', async () => {
    const jobObjects = releaseObjects(
      `apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec: { template: { spec: { restartPolicy: OnFailure } } }
`,
      NS,
    );
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: NS, uid: 'job-uid' },
      spec: { selector: { matchLabels: { 'batch.kubernetes.io/job-name': 'migrate' } } },
      status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    };
    let t = 0;
    const kubectl = new FakeKubectl(() => {
      t += 100;
      return [job, completedJobPod()];
    });
    const result = await watchStability(kubectl, {
      ...policy,
      namespace: NS,
      objects: jobObjects,
      baseline: [completedJobPod()],
      windowMs: 1000,
      pollMs: 1,
      now: () => t,
    });
    expect(result).toMatchObject({ state: 'stable', failures: [] });
    expect(result.pods.map((p) => p.metadata.name)).toEqual(['migrate-x7k2p']);
  });

  it('fails at the first restart inside the window, naming the pod and reason', async () => {
    let t = 0;
    const kubectl = new FakeKubectl((call) => {
      t += 100;
      return [sts, call < 3 ? healthy : oomKilled];
    });
    const result = await watchStability(kubectl, {
      ...policy,
      namespace: NS,
      objects,
      baseline: [healthy],
      windowMs: 60_000,
      pollMs: 1,
      now: () => t,
    });
    expect(result).toMatchObject({
      state: 'failed',
      failures: [{ object: 'Pod/db-0', reason: 'OOMKilled' }],
      elapsedMs: 400,
    });
    expect(kubectl.calls).toBe(4);
  });

  it('names a restart since Ready as such where the crash-loop rule would also call it', async () => {
    const exited = pod(
      { restartCount: 1, state: { terminated: { reason: 'Error', exitCode: 1 } } },
      false,
    );
    const kubectl = new FakeKubectl((call) => [sts, call < 1 ? healthy : exited]);
    const result = await watchStability(kubectl, {
      ...policy,
      crashLoopRestarts: 1,
      namespace: NS,
      objects,
      baseline: [healthy],
      windowMs: 60_000,
      pollMs: 1,
    });
    expect(result.state).toBe('failed');
    expect(result.failures).toEqual([
      expect.objectContaining({
        object: 'Pod/db-0',
        reason: 'Restarted',
        message: expect.stringContaining('restarted after the revision was Ready (restarts 0 -> 1'),
      }),
    ]);
  });

  it('retries a transient API error and ends on one that persists', async () => {
    let t = 0;
    const failing = new FakeKubectl(() => {
      t += 100;
      throw new Error('connection refused');
    });
    await expect(
      watchStability(failing, {
        ...policy,
        namespace: NS,
        objects,
        baseline: [healthy],
        windowMs: 60_000,
        pollMs: 1,
        now: () => t,
      }),
    ).rejects.toThrow(/connection refused/);
    expect(failing.calls).toBe(5);
  });
});
