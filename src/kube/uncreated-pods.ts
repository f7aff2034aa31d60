// Pods a StatefulSet, DaemonSet or Job cannot create (a service account that
// does not exist, a quota, an admission webhook refusing them): the API
// server refuses each pod and the controller only records a FailedCreate
// Warning event on the workload. Unlike a Deployment's ReplicaSet
// (ReplicaFailure, see replicaFailure in rollout.ts) nothing in the
// workload's status says so, and no pod appears to be judged. Events cost a
// request, so they are read only for a workload that has been short of pods
// of its current revision, without gaining or losing one, for as long as an
// unschedulable pod may wait (ShortfallClock, kept across the polls of one
// watch): none at all, or some but not all (a quota that lets two of three in).
import { eventTime, type KubeEvent, type KubeObject } from './kubectl.js';
import { currentPods, daemonSetRevisionHash, type Dependents } from './workload-pods.js';
import { jobFinished, observed, ref, type RolloutFailure } from './workload-rules.js';

/** The kinds judged here; a Deployment has its ReplicaSet's condition. */
export function createsOwnPods(kind: string, group: string): boolean {
  return (
    (group === 'apps' && (kind === 'StatefulSet' || kind === 'DaemonSet')) ||
    (group === 'batch' && kind === 'Job')
  );
}

/**
 * How many pods of its current revision the workload wants: a StatefulSet
 * its replicas (less those its partition keeps on the old revision), a
 * DaemonSet one per node it is scheduled on, a Job at least one (its
 * parallelism is a ceiling, not a count). Under OnDelete only the first pod
 * is sure to come, so one. 0: it wants none, or cannot be judged yet.
 */
function wantedPods(live: KubeObject, deps: Dependents): number {
  const strategy = live.spec?.updateStrategy as
    { type?: string; rollingUpdate?: { partition?: number } } | undefined;
  const onDelete = strategy?.type === 'OnDelete';
  switch (live.kind) {
    case 'StatefulSet': {
      if (!observed(live) || !live.status?.updateRevision) return 0;
      const replicas = (live.spec?.replicas as number | undefined) ?? 1;
      const partition = strategy?.rollingUpdate?.partition ?? 0;
      return onDelete ? Math.min(replicas, 1) : Math.max(replicas - partition, 0);
    }
    case 'DaemonSet': {
      if (!observed(live) || !daemonSetRevisionHash(live, deps)) return 0;
      const nodes = (live.status?.desiredNumberScheduled as number | undefined) ?? 0;
      return onDelete ? Math.min(nodes, 1) : nodes;
    }
    case 'Job':
      // A Job's template cannot change: all its pods are its revision's.
      if (live.spec?.suspend === true || live.spec?.parallelism === 0) return 0;
      return jobFinished(live) ? 0 : 1;
    default:
      return 0;
  }
}

/**
 * The number of pods of its current revision the workload has, when that is
 * fewer than it wants; undefined when it is not short of pods. Pure.
 */
export function podsShort(live: KubeObject, deps: Dependents): number | undefined {
  if (live.metadata.deletionTimestamp) return undefined;
  const have = currentPods(live, deps).length;
  return have < wantedPods(live, deps) ? have : undefined;
}

/** How often the events of a workload still short of pods are read again. */
export const EVENTS_EVERY_MS = 2_000;

/**
 * Since when each workload of one watch has been short of pods of its
 * current revision with the same number of them, by our clock; and which of
 * them are due an events read: past the grace, and not read within
 * EVENTS_EVERY_MS.
 */
export class ShortfallClock {
  private readonly since = new Map<
    string,
    { uid?: string; have: number; at: number; readAt?: number }
  >();

  constructor(private readonly graceMs: number) {}

  /**
   * The start of the workload's shortfall when its events are due now, else
   * undefined. `have`: podsShort's count, undefined when it is not short.
   */
  eventsDue(
    key: string,
    uid: string | undefined,
    have: number | undefined,
    now: number,
  ): number | undefined {
    if (have === undefined) {
      this.since.delete(key);
      return undefined;
    }
    const known = this.since.get(key);
    // Another object of that name (deleted and created again), or a pod
    // gained or lost (the controller is at work), starts the time afresh.
    if (!known || known.uid !== uid || known.have !== have) {
      this.since.set(key, { uid, have, at: now });
      return undefined;
    }
    if (now - known.at < this.graceMs) return undefined;
    if (known.readAt !== undefined && now - known.readAt < EVENTS_EVERY_MS) return undefined;
    known.readAt = now;
    return known.at;
  }
}

/**
 * The API server's reason for refusing the workload's pods: its newest
 * FailedCreate Warning recorded since its shortfall began (event times have
 * whole seconds, hence the second of slack). An older one (a previous
 * revision of the same object, a refusal since overcome) says nothing about
 * this one. Pure.
 */
export function uncreatedPods(
  live: KubeObject,
  events: readonly KubeEvent[],
  shortSince: number,
): RolloutFailure | undefined {
  const refused = events
    .filter(
      (e) =>
        e.type === 'Warning' &&
        e.reason === 'FailedCreate' &&
        e.involvedObject?.kind === live.kind &&
        e.involvedObject.name === live.metadata.name &&
        (!e.involvedObject.uid ||
          !live.metadata.uid ||
          e.involvedObject.uid === live.metadata.uid) &&
        Date.parse(eventTime(e)) >= shortSince - 1000,
    )
    .sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
    .at(-1);
  if (!refused) return undefined;
  return {
    object: ref(live),
    reason: 'FailedCreate',
    message: refused.message ?? `the ${live.kind} controller cannot create its pods`,
  };
}
