// Pods a StatefulSet, DaemonSet or Job cannot create show only as a
// FailedCreate event on the workload: read once it has been short of pods of
// its current revision, with no pod gained or lost, for the grace, and only
// then (events cost a request).
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/exec/command.js';
import { Kubectl, type KubeEvent, type KubeObject } from '../../../src/kube/kubectl.js';
import { releaseObjects } from '../../../src/kube/release-objects.js';
import { watchRollout } from '../../../src/kube/rollout-watch.js';
import {
  EVENTS_EVERY_MS,
  podsShort,
  ShortfallClock,
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

describe('podsShort', () => {
  it('a StatefulSet with no pod of its update revision, once it observed its spec', () => {
    expect(podsShort(statefulSet(), NO_DEPS)).toBe(0);
    // A pod of the previous revision (being replaced) is not one of its revision.
    expect(podsShort(statefulSet(), { ...NO_DEPS, pods: [pod('db-0', 'db-old')] })).toBe(0);
    expect(podsShort(statefulSet(), { ...NO_DEPS, pods: [pod('db-0', 'db-new')] })).toBeUndefined();
    expect(podsShort(statefulSet({ observedGeneration: 1 }), NO_DEPS)).toBeUndefined();
    expect(
      podsShort({ ...statefulSet(), spec: { ...statefulSet().spec, replicas: 0 } }, NO_DEPS),
    ).toBeUndefined();
  });

  it('a StatefulSet with some of its replicas on its update revision, its partition aside', () => {
    const three = (strategy?: Record<string, unknown>): KubeObject => ({
      ...statefulSet(),
      spec: { ...statefulSet().spec, replicas: 3, updateStrategy: strategy },
    });
    const pods = [pod('db-0', 'db-new'), pod('db-1', 'db-new'), pod('db-2', 'db-old')];
    expect(podsShort(three(), { ...NO_DEPS, pods })).toBe(2);
    expect(podsShort(three(), { ...NO_DEPS, pods: pods.slice(0, 2) })).toBe(2);
    const partition = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    expect(podsShort(three(partition), { ...NO_DEPS, pods })).toBeUndefined();
    // OnDelete replaces nothing by itself: only a first pod is waited for.
    expect(podsShort(three({ type: 'OnDelete' }), { ...NO_DEPS, pods })).toBeUndefined();
    expect(podsShort(three({ type: 'OnDelete' }), NO_DEPS)).toBe(0);
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
    expect(podsShort(job({}), NO_DEPS)).toBe(0);
    // Its parallelism is a ceiling: one pod is all it is sure to want.
    const one = { ...NO_DEPS, pods: [pod('db-x', '', 'Job')] };
    expect(podsShort(job({}, { parallelism: 3 }), one)).toBeUndefined();
    expect(podsShort(job({}, { suspend: true }), NO_DEPS)).toBeUndefined();
    const complete = { conditions: [{ type: 'Complete', status: 'True' }] };
    expect(podsShort(job(complete), NO_DEPS)).toBeUndefined();
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
    expect(podsShort(ds, { ...deps, pods: [pod('db-a', 'db-old', 'DaemonSet')] })).toBe(0);
    // One of its two nodes has its pod.
    expect(podsShort(ds, { ...deps, pods: [pod('db-a', 'db-new', 'DaemonSet')] })).toBe(1);
    const both = [pod('db-a', 'db-new', 'DaemonSet'), pod('db-b', 'db-new', 'DaemonSet')];
    expect(podsShort(ds, { ...deps, pods: both })).toBeUndefined();
    // Its revision is not known yet: not judged.
    expect(podsShort(ds, NO_DEPS)).toBeUndefined();
  });
});

describe('ShortfallClock', () => {
  it('makes events due past the grace, at most every EVENTS_EVERY_MS, from the first look at the same shortfall', () => {
    const clock = new ShortfallClock(5_000);
    expect(clock.eventsDue('db', 'u1', 0, 1_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', 0, 5_999)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', 0, 6_000)).toBe(1_000);
    expect(clock.eventsDue('db', 'u1', 0, 6_000 + EVENTS_EVERY_MS - 1)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', 0, 6_000 + EVENTS_EVERY_MS)).toBe(1_000);
    // All its pods came: the time starts again when it is short again.
    expect(clock.eventsDue('db', 'u1', undefined, 20_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', 0, 21_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', 0, 26_000)).toBe(21_000);
    // A pod gained (a rollout making progress) starts it again too.
    expect(clock.eventsDue('db', 'u1', 1, 27_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', 1, 31_999)).toBeUndefined();
    expect(clock.eventsDue('db', 'u1', 1, 32_000)).toBe(27_000);
    // Another object of that name starts afresh.
    expect(clock.eventsDue('db', 'u2', 1, 33_000)).toBeUndefined();
    expect(clock.eventsDue('db', 'u2', 1, 38_000)).toBe(33_000);
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
