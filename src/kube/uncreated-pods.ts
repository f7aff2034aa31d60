// Pods a StatefulSet, DaemonSet or Job cannot create (a service account that
// does not exist, a quota, an admission webhook refusing them): the API
// server refuses each pod and the controller only records a FailedCreate
// Warning event on the workload. Unlike a Deployment's ReplicaSet
// (ReplicaFailure, see replicaFailure in rollout.ts) nothing in the
// workload's status says so, and no pod appears to be judged. Events cost a
// kubectl call, so they are read only for a workload that has had no pod of
// its current revision for as long as an unschedulable pod may wait
// (PodlessClock, kept across the polls of one watch).
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

/** The workload wants pods of its current revision and has none. Pure. */
export function awaitsFirstPod(live: KubeObject, deps: Dependents): boolean {
  if (live.metadata.deletionTimestamp) return false;
  switch (live.kind) {
    case 'StatefulSet':
      if (!observed(live) || !live.status?.updateRevision) return false;
      if (((live.spec?.replicas as number | undefined) ?? 1) === 0) return false;
      break;
    case 'DaemonSet':
      if (!observed(live) || !daemonSetRevisionHash(live, deps)) return false;
      if (((live.status?.desiredNumberScheduled as number | undefined) ?? 0) === 0) return false;
      break;
    case 'Job':
      // A Job's template cannot change: all its pods are its revision's.
      if (live.spec?.suspend === true || live.spec?.parallelism === 0) return false;
      if (jobFinished(live)) return false;
      break;
    default:
      return false;
  }
  return currentPods(live, deps).length === 0;
}

/** How often the events of a workload still without pods are read again. */
export const EVENTS_EVERY_MS = 2_000;

/**
 * Since when each workload of one watch has had no pod of its current
 * revision, by our clock; and which of them are due an events read: past the
 * grace, and not read within EVENTS_EVERY_MS.
 */
export class PodlessClock {
  private readonly since = new Map<string, { uid?: string; at: number; readAt?: number }>();

  constructor(private readonly graceMs: number) {}

  /** The start of the workload's podless time when its events are due now, else undefined. */
  eventsDue(
    key: string,
    uid: string | undefined,
    podless: boolean,
    now: number,
  ): number | undefined {
    if (!podless) {
      this.since.delete(key);
      return undefined;
    }
    const known = this.since.get(key);
    // Another object of that name (deleted and created again) starts afresh.
    if (!known || known.uid !== uid) {
      this.since.set(key, { uid, at: now });
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
 * FailedCreate Warning recorded since it has had no pod (event times have
 * whole seconds, hence the second of slack). An older one (a previous
 * revision of the same object) says nothing about this one. Pure.
 */
export function uncreatedPods(
  live: KubeObject,
  events: readonly KubeEvent[],
  podlessSince: number,
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
        Date.parse(eventTime(e)) >= podlessSince - 1000,
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
