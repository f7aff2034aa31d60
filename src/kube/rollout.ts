// Judges a release's rollout from one snapshot of its objects and their pods.
// What is judged comes from the release itself (its manifest and hooks, see
// release-objects.ts), each workload's pods through its own selector and
// owner references (workload-pods.ts), each kind by its rule
// (workload-rules.ts). A terminal condition (crash loop, image pull failure,
// unschedulable pod, pods a controller cannot create, a failed Job, an
// exceeded progress deadline) fails the rollout at once instead of waiting
// for the whole timeout, as does a Job whose attempts keep failing
// (job-attempts.ts).
import { terminationText } from './container-exit.js';
import { repeatedJobFailure } from './job-attempts.js';
import type { KubeEvent, KubeObject } from './kubectl.js';
import { isCustomResource, objectRef, type ReleaseObject } from './release-objects.js';
import { removableJob, removedJobVerdict } from './removed-jobs.js';
import { uncreatedPods } from './uncreated-pods.js';
import { currentPods, currentReplicaSet, type Dependents } from './workload-pods.js';
import {
  apiServiceRule,
  condition,
  customResourceRule,
  daemonSetRule,
  deploymentRule,
  jobRule,
  podRule,
  ref,
  statefulSetRule,
  type RolloutFailure,
  type Verdict,
} from './workload-rules.js';

export type { RolloutFailure } from './workload-rules.js';

export interface RolloutPolicy {
  /** A container in CrashLoopBackOff (or terminated in error) with at least this many restarts fails the rollout. */
  crashLoopRestarts: number;
  /** How long a pod may stay unschedulable, or a workload's pods uncreatable, before the rollout fails. */
  unschedulableGraceMs: number;
  /** A new revision that its update strategy keeps from running (OnDelete, paused) fails the rollout. */
  requireRollout?: boolean;
  /** Judge hook Jobs and Pods too (after helm reported a failure; helm awaits them otherwise). */
  includeHooks?: boolean;
}

/** One look at the release: each of its objects with the live one (undefined: not found). */
export interface RolloutSnapshot extends Dependents {
  /**
   * `events`: what the cluster recorded about a removable Job not found
   * (removed-jobs.ts), or about a workload short of pods of its current
   * revision, unchanged since `shortSince`, for longer than the grace
   * (uncreated-pods.ts).
   */
  objects: readonly {
    ref: ReleaseObject;
    live?: KubeObject;
    events?: readonly KubeEvent[];
    shortSince?: number;
  }[];
  /** The release's namespace: objects elsewhere are named with theirs. */
  releaseNamespace?: string;
}

export interface RolloutAssessment {
  state: 'ready' | 'progressing' | 'failed';
  failures: RolloutFailure[];
  /** What is not ready yet, e.g. `Deployment/web: 1 of 2 updated replicas available`. */
  waitingFor: string[];
  /** One line per object whose new revision runs nowhere (a warning unless requireRollout). */
  notRolledOut: string[];
  /** Objects not judged, and why. */
  skipped: string[];
  /** The pods judged: each workload's current-revision pods and bare pods. */
  pods: KubeObject[];
}

/**
 * Container waiting reasons that never resolve by waiting. Not
 * RunContainerError: the runtime failing to start a created container is as
 * often passing (runc's "unable to freeze" a cgroup on a loaded node) as for
 * good (a command that does not exist), and the kubelet tries again with a new
 * container: one that keeps failing to start is a crash loop (exit code 128,
 * StartError), judged as one after `crash-loop-restarts`.
 */
const TERMINAL_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

interface ContainerStatus {
  name: string;
  restartCount?: number;
  ready?: boolean;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string };
  };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

/**
 * In a crash loop: backing off, or exited non-zero and about to back off. A
 * real kubelet reports the exited container (terminated, reason Error or
 * OOMKilled) for most of each back-off and shows CrashLoopBackOff only
 * around the restart, so waiting for that reason alone calls the same loop
 * a back-off period later (measured in docs/real-pods.md).
 */
function crashed(c: ContainerStatus, pod: KubeObject): boolean {
  const waiting = c.state?.waiting?.reason;
  if (waiting === 'CrashLoopBackOff' || waiting === 'RunContainerError') return true;
  const exitCode = c.state?.terminated?.exitCode;
  return exitCode !== undefined && exitCode !== 0 && pod.spec?.restartPolicy !== 'Never';
}

export function podFailures(pod: KubeObject, policy: RolloutPolicy, now: number): RolloutFailure[] {
  if (pod.metadata.deletionTimestamp) return [];
  const failures: RolloutFailure[] = [];
  const statuses: ContainerStatus[] = [
    ...((pod.status?.initContainerStatuses as ContainerStatus[] | undefined) ?? []),
    ...((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? []),
  ];
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    const restarts = c.restartCount ?? 0;
    if (waiting?.reason && TERMINAL_WAITING.has(waiting.reason)) {
      failures.push({
        object: ref(pod),
        reason: waiting.reason,
        message: `container ${c.name}: ${waiting.message ?? waiting.reason}`,
      });
    } else if (restarts >= policy.crashLoopRestarts && crashed(c, pod)) {
      const last = c.state?.terminated ?? c.lastState?.terminated;
      const exit = last ? ` (last ${terminationText(last)})` : '';
      failures.push({
        object: ref(pod),
        reason: 'CrashLoopBackOff',
        message: `container ${c.name} restarted ${restarts} time${restarts === 1 ? '' : 's'}${exit}`,
      });
    }
  }
  const ownedByJob = pod.metadata.ownerReferences?.some((o) => o.kind === 'Job');
  if (pod.status?.phase === 'Failed' && !ownedByJob && failures.length === 0) {
    failures.push({
      object: ref(pod),
      reason: pod.status?.reason ?? 'Failed',
      message: pod.status?.message ?? 'the pod failed',
    });
  }
  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = Date.parse(scheduled.lastTransitionTime ?? pod.metadata.creationTimestamp ?? '');
    if (!Number.isNaN(since) && now - since >= policy.unschedulableGraceMs) {
      failures.push({
        object: ref(pod),
        reason: 'Unschedulable',
        message: scheduled.message ?? 'no node can run this pod',
      });
    }
  }
  return failures;
}

/**
 * The current ReplicaSet of a Deployment cannot create its pods (a quota, a
 * service account that does not exist, an admission webhook refusing them):
 * no pod appears to be judged, and the Deployment would wait for the whole
 * timeout. Its ReplicaFailure condition fails the rollout once it has lasted
 * as long as an unschedulable pod may wait, since a quota can free up.
 */
export function replicaFailure(
  deployment: KubeObject,
  deps: Dependents,
  policy: RolloutPolicy,
  now: number,
): RolloutFailure | undefined {
  const rs = currentReplicaSet(deployment, deps);
  const failed = rs && condition(rs, 'ReplicaFailure');
  if (!rs || failed?.status !== 'True') return undefined;
  const since = Date.parse(failed.lastTransitionTime ?? '');
  if (Number.isNaN(since) || now - since < policy.unschedulableGraceMs) return undefined;
  return {
    object: ref(rs),
    reason: failed.reason ?? 'ReplicaFailure',
    message: failed.message ?? 'the ReplicaSet cannot create its pods',
  };
}

/**
 * A pod that ran to completion (a Job's pod, a bare pod with restartPolicy
 * Never or OnFailure): done, never Ready again, and nothing is wrong with it.
 */
export function ranToCompletion(pod: KubeObject): boolean {
  return pod.status?.phase === 'Succeeded';
}

/**
 * The judged pods that are not Ready, each named with what its Ready
 * condition says: when a rollout times out with no terminal failure (a
 * readiness probe that never passes), these are what it waited for, and
 * their events and logs say why.
 */
export function notReadyPods(pods: readonly KubeObject[], now: number): RolloutFailure[] {
  const failures: RolloutFailure[] = [];
  for (const pod of pods) {
    const ready = condition(pod, 'Ready');
    if (pod.metadata.deletionTimestamp || ready?.status === 'True' || ranToCompletion(pod))
      continue;
    const since = Date.parse(ready?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? '');
    const forS = Number.isNaN(since) ? '' : ` for ${Math.round((now - since) / 1000)} s`;
    failures.push({
      object: ref(pod),
      reason: 'NotReady',
      message: `not ready${forS}: ${ready?.message ?? ready?.reason ?? 'no Ready condition'}`,
    });
  }
  return failures;
}

/** Kinds with a readiness rule; anything else in a release is applied by helm and not awaited. */
export function isWatched(o: ReleaseObject): boolean {
  if (isCustomResource(o)) return true;
  if (o.group === 'apps') return ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind);
  if (o.group === 'batch') return o.kind === 'Job' || o.kind === 'CronJob';
  if (o.group === 'apiregistration.k8s.io') return o.kind === 'APIService';
  return o.group === '' && o.kind === 'Pod';
}

/** Hooks that ran for an install/upgrade/rollback; test hooks run only under `helm test`. */
function judgedHook(o: ReleaseObject, policy: RolloutPolicy): boolean {
  return Boolean(policy.includeHooks) && (o.hookEvents ?? []).some((e) => !e.startsWith('test'));
}

function missing(o: ReleaseObject, events?: readonly KubeEvent[]): Verdict {
  // A hook deleted by its delete policy, or not created by a failed upgrade, is fine.
  if (o.hookEvents) return {};
  if (events && removableJob(o)) return removedJobVerdict(o, events);
  return { waiting: `${objectRef(o)}: not found` };
}

function verdictOf(o: ReleaseObject, live: KubeObject): Verdict {
  const hook = Boolean(o.hookEvents);
  if (isCustomResource(o)) return customResourceRule(live);
  switch (o.kind) {
    case 'Deployment':
      return deploymentRule(live);
    case 'StatefulSet':
      return statefulSetRule(live);
    case 'DaemonSet':
      return daemonSetRule(live);
    case 'Job':
      return jobRule(live, hook);
    case 'CronJob':
      // Nothing runs at deploy time; a broken template shows at the next run.
      return { skipped: `${ref(live)}: its Jobs run on its schedule, not awaited by the deploy` };
    case 'Pod':
      return podRule(live, hook);
    case 'APIService':
      return apiServiceRule(live);
    default:
      return {};
  }
}

/** One verdict from one snapshot of the release's objects. */
export function assessRollout(
  snapshot: RolloutSnapshot,
  policy: RolloutPolicy,
  now: number,
): RolloutAssessment {
  const a: RolloutAssessment = {
    state: 'ready',
    failures: [],
    waitingFor: [],
    notRolledOut: [],
    skipped: [],
    pods: [],
  };
  const { releaseNamespace } = snapshot;
  for (const { ref: o, live, events, shortSince } of snapshot.objects) {
    if (!isWatched(o) || (o.hookEvents && !judgedHook(o, policy))) continue;
    const verdict = live ? verdictOf(o, live) : missing(o, events);
    const namespace =
      o.namespace && releaseNamespace && o.namespace !== releaseNamespace ? o.namespace : undefined;
    const tag = (f: RolloutFailure): RolloutFailure => (namespace ? { ...f, namespace } : f);
    if (verdict.failure) a.failures.push(tag(verdict.failure));
    if (verdict.waiting) a.waitingFor.push(verdict.waiting);
    if (verdict.skipped) a.skipped.push(verdict.skipped);
    if (verdict.notRolledOut) {
      const line = namespace
        ? `${verdict.notRolledOut} (namespace ${namespace})`
        : verdict.notRolledOut;
      if (policy.requireRollout) {
        a.failures.push(tag({ object: objectRef(o), reason: 'NotRolledOut', message: line }));
      } else a.notRolledOut.push(line);
    }
    if (!live) continue;
    // A workload's pods are judged once it has observed its new spec: before
    // that, "current" would still name the previous revision.
    const pods = o.kind === 'Pod' ? [live] : verdict.unobserved ? [] : currentPods(live, snapshot);
    a.pods.push(...pods);
    for (const pod of pods) a.failures.push(...podFailures(pod, policy, now).map(tag));
    const uncreated =
      o.kind === 'Deployment' && !verdict.unobserved
        ? replicaFailure(live, snapshot, policy, now)
        : events && shortSince !== undefined
          ? uncreatedPods(live, events, shortSince)
          : undefined;
    if (uncreated) a.failures.push(tag(uncreated));
    // A Job's failed attempts are pods of their own, never a crash loop.
    const attempts =
      o.kind === 'Job' && o.group === 'batch' && !verdict.failure
        ? repeatedJobFailure(live, pods, policy.crashLoopRestarts)
        : undefined;
    if (attempts) a.failures.push(tag(attempts));
  }
  a.state = a.failures.length > 0 ? 'failed' : a.waitingFor.length > 0 ? 'progressing' : 'ready';
  return a;
}
