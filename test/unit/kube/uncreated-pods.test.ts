// Pods a StatefulSet, DaemonSet or Job cannot create show only as a
// FailedCreate event on the workload: read once it has had no pod of its
// current revision for the grace, and only then (events cost a kubectl call).
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/exec/command.js';
import { Kubectl, type KubeEvent, type KubeObject } from '../../../src/kube/kubectl.js';
import { releaseObjects } from '../../../src/kube/release-objects.js';
import { watchRollout } from '../../../src/kube/rollout-watch.js';
import {
  awaitsFirstPod,
  EVENTS_EVERY_MS,
  PodlessClock,
  uncreatedPods,
} from '../../../src/kube/uncreated-pods.js';

const NS = 'shop';
const NO_DEPS = { pods: [], replicaSets: [], controllerRevisions: [] };
const REFUSED =
  'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: error looking up service account shop/missing-sa: serviceaccount "missing-sa" not found';

const statefulSet = (status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: NS, uid: 'db-uid', generation: 2 },
  spec: { replicas: 1, selector: { matchLabels: { app: 'db' } } },
  status: {
    observedGeneration: 2,
    replicas: 0,
    currentRevision: 'db-old',
    updateRevision: 'db-new',
    ...status,
  },
});

const pod = (name: string, hash: string, owner = 'StatefulSet'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: NS,
    labels: { app: 'db', 'controller-revision-hash': hash },
    ownerReferences: [{ kind: owner, name: 'db', uid: 'db-uid' }],
  },
  status: { phase: 'Pending' },
});

const event = (at: string, over: Partial<KubeEvent> = {}): KubeEvent => ({
  type: 'Warning',
  reason: 'FailedCreate',
  message: REFUSED,
  involvedObject: { kind: 'StatefulSet', name: 'db', uid: 'db-uid' },
  lastTimestamp: at,
  ...over,
});

describe('awaitsFirstPod', () => {
  it('a StatefulSet with no pod of its update revision, once it observed its spec', () => {
    expect(awaitsFirstPod(statefulSet(), NO_DEPS)).toBe(true);
    // A pod of the previous revision (being replaced) is not one of its revision.
    expect(awaitsFirstPod(statefulSet(), { ...NO_DEPS, pods: [pod('db-0', 'db-old')] })).toBe(true);
    expect(awaitsFirstPod(statefulSet(), { ...NO_DEPS, pods: [pod('db-0', 'db-new')] })).toBe(
      false,
    );
    expect(awaitsFirstPod(statefulSet({ observedGeneration: 1 }), NO_DEPS)).toBe(false);
    expect(
      awaitsFirstPod({ ...statefulSet(), spec: { ...statefulSet().spec, replicas: 0 } }, NO_DEPS),
    ).toBe(false);
  });

  it('a Job that has not finished and has no pod at all', () => {
    const job = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
      ({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'db', namespace: NS, uid: 'db-uid' },
        spec: { selector: { matchLabels: { app: 'db' } }, ...spec },
        status,
      }) as KubeObject;
    expect(awaitsFirstPod(job({}), NO_DEPS)).toBe(true);
    expect(awaitsFirstPod(job({}), { ...NO_DEPS, pods: [pod('db-x', '', 'Job')] })).toBe(false);
    expect(awaitsFirstPod(job({}, { suspend: true }), NO_DEPS)).toBe(false);
    const complete = { conditions: [{ type: 'Complete', status: 'True' }] };
    expect(awaitsFirstPod(job(complete), NO_DEPS)).toBe(false);
  });

  it('a DaemonSet with nodes to run on and no pod of its newest revision', () => {
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'db', namespace: NS, uid: 'db-uid', generation: 1 },
      spec: { selector: { matchLabels: { app: 'db' } } },
      status: { observedGeneration: 1, desiredNumberScheduled: 2 },
    };
    const revision: KubeObject & { revision: number } = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      revision: 2,
      metadata: {
        name: 'db-new',
        namespace: NS,
        labels: { 'controller-revision-hash': 'db-new' },
        ownerReferences: [{ kind: 'DaemonSet', name: 'db', uid: 'db-uid' }],
      },
    };
    const deps = { ...NO_DEPS, controllerRevisions: [revision] };
    expect(awaitsFirstPod(ds, { ...deps, pods: [pod('db-a', 'db-old', 'DaemonSet')] })).toBe(true);
    expect(awaitsFirstPod(ds, { ...deps, pods: [pod('db-a', 'db-new', 'DaemonSet')] })).toBe(false);
    // Its revision is not known yet: not judged.
    expect(awaitsFirstPod(ds, NO_DEPS)).toBe(false);
  });
});

describe('PodlessClock', () => {
  it('makes events due past the grace, at most every EVENTS_EVERY_MS, from the first podless look', () => {
    const clock = new PodlessClock(5_000);
    expect(clock.eventsDue('db', 'u1', true, 1_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', true, 5_999)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', true, 6_000)).toBe(1_000);
    expect(clock.eventsDue('db', 'u1', true, 6_000 + EVENTS_EVERY_MS - 1)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', true, 6_000 + EVENTS_EVERY_MS)).toBe(1_000);
    // A pod appeared: the time starts again when it is gone.
    expect(clock.eventsDue('db', 'u1', false, 20_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', true, 21_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', true, 26_000)).toBe(21_000);
    // Another object of that name starts afresh.
    expect(clock.eventsDue('db', 'u2', true, 30_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u2', true, 35_000)).toBe(30_000);
  });
});

describe('uncreatedPods', () => {
  const since = Date.parse('2026-01-01T00:10:00Z');
  it("names the newest FailedCreate since the workload has had no pod, with the API server's reason", () => {
    const events = [
      event('2026-01-01T00:10:03Z', { message: 'an older reason' }),
      event('2026-01-01T00:10:06Z'),
      event('2026-01-01T00:10:07Z', { type: 'Normal', reason: 'SuccessfulDelete', message: 'x' }),
    ];
    expect(uncreatedPods(statefulSet(), events, since)).toEqual({
      object: 'StatefulSet/db',
      reason: 'FailedCreate',
      message: REFUSED,
    });
  });

  it("ignores an earlier revision's refusals and another object's", () => {
    const live = statefulSet();
    expect(uncreatedPods(live, [event('2026-01-01T00:09:30Z')], since)).toBeUndefined();
    // Whole seconds: an event of the second the podless time began counts.
    expect(uncreatedPods(live, [event('2026-01-01T00:10:00Z')], since + 500)).toBeDefined();
    expect(uncreatedPods(live, [event('2026-01-01T00:09:59Z')], since + 500)).toBeUndefined();
    const other = { kind: 'StatefulSet', name: 'db', uid: 'old-uid' };
    expect(
      uncreatedPods(live, [event('2026-01-01T00:10:05Z', { involvedObject: other })], since),
    ).toBeUndefined();
    const aPod = { kind: 'Pod', name: 'db' };
    expect(
      uncreatedPods(live, [event('2026-01-01T00:10:05Z', { involvedObject: aPod })], since),
    ).toBeUndefined();
  });
});

class FakeKubectl extends Kubectl {
  calls: string[][] = [];
  constructor(private readonly answer: (args: string[]) => string) {
    super({ kubectl: 'kubectl' });
  }
  override run(args: readonly string[]): Promise<CommandResult> {
    this.calls.push([...args]);
    return Promise.resolve({ code: 0, stdout: this.answer([...args]), stderr: '' });
  }
}

describe('watchRollout with a StatefulSet whose pod is refused', () => {
  it('reads its events only past the grace, and fails naming the reason', async () => {
    const start = Date.parse('2026-01-01T00:10:00Z');
    let t = start;
    const kubectl = new FakeKubectl((args) =>
      JSON.stringify({
        items: args[1] === 'events' ? [event('2026-01-01T00:10:02Z')] : [statefulSet()],
      }),
    );
    const result = await watchRollout(kubectl, {
      crashLoopRestarts: 1,
      unschedulableGraceMs: 10_000,
      objects: releaseObjects(
        'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db }\nspec: { selector: { matchLabels: { app: db } } }\n',
        NS,
      ),
      timeoutMs: 300_000,
      pollMs: 1,
      now: () => (t += 1_000),
    });
    expect(result).toMatchObject({
      state: 'failed',
      timedOut: false,
      failures: [{ object: 'StatefulSet/db', reason: 'FailedCreate', message: REFUSED }],
    });
    const events = kubectl.calls.filter((c) => c[1] === 'events');
    expect(events).toHaveLength(1);
    expect(kubectl.calls.length).toBeGreaterThan(5);
    expect(t - start).toBeLessThan(20_000);
  });
});
