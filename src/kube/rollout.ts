// Judges a release's rollout from one snapshot of its workloads and pods, and
// watches it by polling until it is ready, fails, or runs out of time. A
// terminal condition (crash loop, image pull failure, unschedulable pod, a
// failed Job, an exceeded progress deadline) fails the rollout at once instead
// of waiting for the whole timeout.
import type { KubeObject, Kubectl } from './kubectl.js';

export interface RolloutPolicy {
  /** A container in CrashLoopBackOff (or terminated in error) with at least this many restarts fails the rollout. */
  crashLoopRestarts: number;
  /** How long a pod may stay unschedulable before the rollout fails. */
  unschedulableGraceMs: number;
}

export interface RolloutFailure {
  /** `Kind/name`. */
  object: string;
  reason: string;
  message: string;
}

export interface RolloutAssessment {
  state: 'ready' | 'progressing' | 'failed';
  failures: RolloutFailure[];
  /** What is not ready yet, e.g. `Deployment/web: 1 of 2 updated replicas available`. */
  waitingFor: string[];
}

/** Container waiting reasons that never resolve by waiting. */
const TERMINAL_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

const HOOK_ANNOTATION = 'helm.sh/hook';

function ref(o: KubeObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

interface Condition {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

function condition(o: KubeObject, type: string): Condition | undefined {
  return (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

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
    } else if (waiting?.reason === 'CrashLoopBackOff' && restarts >= policy.crashLoopRestarts) {
      const last = c.lastState?.terminated;
      const exit = last
        ? ` (last exit code ${last.exitCode ?? '?'}, ${last.reason ?? 'terminated'})`
        : '';
      failures.push({
        object: ref(pod),
        reason: 'CrashLoopBackOff',
        message: `container ${c.name} restarted ${restarts} times${exit}`,
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

function want(o: KubeObject): number {
  return typeof o.spec?.replicas === 'number' ? o.spec.replicas : 1;
}

function observed(o: KubeObject): boolean {
  return (o.status?.observedGeneration ?? 0) >= (o.metadata.generation ?? 0);
}

function deploymentState(d: KubeObject): { failure?: RolloutFailure; waiting?: string } {
  const progressing = condition(d, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return {
      failure: {
        object: ref(d),
        reason: 'ProgressDeadlineExceeded',
        message: progressing.message ?? 'the deployment made no progress within its deadline',
      },
    };
  }
  const n = want(d);
  const s = d.status ?? {};
  if (!observed(d)) return { waiting: `${ref(d)}: new spec not yet observed` };
  if ((s.updatedReplicas ?? 0) < n)
    return { waiting: `${ref(d)}: ${s.updatedReplicas ?? 0} of ${n} replicas updated` };
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0))
    return {
      waiting: `${ref(d)}: ${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas pending termination`,
    };
  if ((s.availableReplicas ?? 0) < n)
    return { waiting: `${ref(d)}: ${s.availableReplicas ?? 0} of ${n} updated replicas available` };
  return {};
}

function statefulSetState(s: KubeObject): { waiting?: string } {
  const n = want(s);
  const st = s.status ?? {};
  if (!observed(s)) return { waiting: `${ref(s)}: new spec not yet observed` };
  const rolling = (s.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const partition = s.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (rolling && partition === 0 && (st.updatedReplicas ?? 0) < n)
    return { waiting: `${ref(s)}: ${st.updatedReplicas ?? 0} of ${n} replicas updated` };
  if ((st.readyReplicas ?? 0) < n)
    return { waiting: `${ref(s)}: ${st.readyReplicas ?? 0} of ${n} replicas ready` };
  return {};
}

function daemonSetState(d: KubeObject): { waiting?: string } {
  const st = d.status ?? {};
  const desired = st.desiredNumberScheduled ?? 0;
  if (!observed(d)) return { waiting: `${ref(d)}: new spec not yet observed` };
  if ((st.updatedNumberScheduled ?? 0) < desired || (st.numberAvailable ?? 0) < desired)
    return { waiting: `${ref(d)}: ${st.numberAvailable ?? 0} of ${desired} pods available` };
  return {};
}

function jobState(
  j: KubeObject,
  includeHooks: boolean,
): { failure?: RolloutFailure; waiting?: string } {
  // Hook Jobs are run and judged by helm; one left failed by an earlier
  // revision (delete policy before-hook-creation) says nothing about this one.
  const hook = Boolean(j.metadata.annotations?.[HOOK_ANNOTATION]);
  if (hook && !includeHooks) return {};
  const failed = condition(j, 'Failed');
  if (failed?.status === 'True') {
    return {
      failure: {
        object: ref(j),
        reason: failed.reason ?? 'JobFailed',
        message: failed.message ?? 'the job failed',
      },
    };
  }
  if (hook) return {};
  if (condition(j, 'Complete')?.status !== 'True') return { waiting: `${ref(j)}: not complete` };
  return {};
}

/** One verdict from one snapshot of the release's objects. */
export function assessRollout(
  objects: KubeObject[],
  policy: RolloutPolicy,
  now: number,
  { includeHooks = false }: { includeHooks?: boolean } = {},
): RolloutAssessment {
  const failures: RolloutFailure[] = [];
  const waitingFor: string[] = [];
  for (const o of objects) {
    let verdict: { failure?: RolloutFailure; waiting?: string } = {};
    switch (o.kind) {
      case 'Deployment':
        verdict = deploymentState(o);
        break;
      case 'StatefulSet':
        verdict = statefulSetState(o);
        break;
      case 'DaemonSet':
        verdict = daemonSetState(o);
        break;
      case 'Job':
        verdict = jobState(o, includeHooks);
        break;
      case 'Pod':
        failures.push(...podFailures(o, policy, now));
        break;
    }
    if (verdict.failure) failures.push(verdict.failure);
    if (verdict.waiting) waitingFor.push(verdict.waiting);
  }
  const state = failures.length > 0 ? 'failed' : waitingFor.length > 0 ? 'progressing' : 'ready';
  return { state, failures, waitingFor };
}

export interface WatchOptions extends RolloutPolicy {
  namespace: string;
  /** Label selector of the release's objects, e.g. app.kubernetes.io/instance=web. */
  selector: string;
  timeoutMs: number;
  pollMs?: number;
  /** Called when the list of what is awaited changes. */
  onProgress?: (assessment: RolloutAssessment) => void;
  now?: () => number;
}

export interface WatchResult extends RolloutAssessment {
  timedOut: boolean;
  elapsedMs: number;
  /** The pods seen in the last snapshot (for diagnostics). */
  pods: KubeObject[];
}

const KINDS = 'deployments.apps,statefulsets.apps,daemonsets.apps,jobs.batch,pods';

export async function watchRollout(kubectl: Kubectl, options: WatchOptions): Promise<WatchResult> {
  const now = options.now ?? Date.now;
  const start = now();
  const poll = options.pollMs ?? 1000;
  let lastKey = '';
  let consecutiveErrors = 0;
  let last: RolloutAssessment = {
    state: 'progressing',
    failures: [],
    waitingFor: ['first snapshot'],
  };
  let pods: KubeObject[] = [];
  for (;;) {
    try {
      const objects = await kubectl.list(KINDS, options.namespace, options.selector);
      consecutiveErrors = 0;
      pods = objects.filter((o) => o.kind === 'Pod');
      last = assessRollout(objects, options, now());
      const key = JSON.stringify([last.state, last.waitingFor]);
      if (key !== lastKey) options.onProgress?.(last);
      lastKey = key;
      if (last.state !== 'progressing') {
        return { ...last, timedOut: false, elapsedMs: now() - start, pods };
      }
    } catch (error) {
      // A transient API error is retried; one that persists ends the watch.
      if (++consecutiveErrors >= 5) throw error;
    }
    if (now() - start >= options.timeoutMs) {
      return { ...last, state: 'failed', timedOut: true, elapsedMs: now() - start, pods };
    }
    await new Promise((r) => setTimeout(r, poll));
  }
}
