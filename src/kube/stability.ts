// The stability window (deploy input stable-for): after the rollout watch
// found the new revision Ready, keep looking for a while. Some failures only
// come after Ready (a liveness probe that starts failing, memory that grows
// until the container is OOMKilled), and no rollout status shows them: the
// pods the watch saw Ready are the baseline, and any container restart, a
// container terminated, or a pod of the revision no longer Ready fails it.
import { CancelledError } from '../exec/command.js';
import { cancellableSleep, cancellation } from '../exec/signals.js';
import { terminationText } from './container-exit.js';
import type { KubeObject, Kubectl } from './kubectl.js';
import type { ReleaseObject } from './release-objects.js';
import { assessRollout, notReadyPods, ranToCompletion, type RolloutPolicy } from './rollout.js';
import { snapshotPlan, takeSnapshot } from './rollout-watch.js';
import { ref, type RolloutFailure } from './workload-rules.js';

export interface StabilityOptions extends RolloutPolicy {
  namespace?: string;
  /** The objects of the revision (as the rollout watch judged them). */
  objects: readonly ReleaseObject[];
  /** The pods the watch found Ready: restart counts are compared with theirs. */
  baseline: readonly KubeObject[];
  windowMs: number;
  pollMs?: number;
  now?: () => number;
}

export interface StabilityResult {
  state: 'stable' | 'failed';
  failures: RolloutFailure[];
  /** The pods of the last look (for diagnostics). */
  pods: KubeObject[];
  elapsedMs: number;
}

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

function statuses(pod: KubeObject | undefined): ContainerStatus[] {
  return (pod?.status?.containerStatuses as ContainerStatus[] | undefined) ?? [];
}

function exitText(t: { reason?: string; exitCode?: number } | undefined): string {
  return t ? terminationText(t) : 'no exit recorded';
}

/**
 * What broke in one pod since the baseline: a container that restarted
 * (named by its last exit reason, e.g. OOMKilled), one terminated now, or
 * the pod no longer Ready. A pod not in the baseline counts from zero. Pure.
 */
export function podInstability(
  pod: KubeObject,
  before: KubeObject | undefined,
  now: number,
): RolloutFailure[] {
  // A Job's pod that ran to completion is done, not unstable: it is never
  // Ready again and its containers stay terminated (exit code 0, Completed).
  if (pod.metadata.deletionTimestamp || ranToCompletion(pod)) return [];
  // A Job's attempt that had already failed when the revision was found Ready
  // (the Job retried it and completed): a past attempt, not a new failure.
  if (pod.status?.phase === 'Failed' && before?.status?.phase === 'Failed') return [];
  const failures: RolloutFailure[] = [];
  const restartsAlways = (pod.spec?.restartPolicy ?? 'Always') === 'Always';
  for (const c of statuses(pod)) {
    const was = statuses(before).find((b) => b.name === c.name)?.restartCount ?? 0;
    const restarts = c.restartCount ?? 0;
    const terminated = c.state?.terminated;
    // One container of a run-to-completion pod done while another still runs.
    const finished = !restartsAlways && terminated?.exitCode === 0;
    const current = finished ? undefined : terminated;
    if (restarts > was) {
      const last = current ?? c.lastState?.terminated;
      failures.push({
        object: ref(pod),
        reason: last?.reason && last.reason !== 'Error' ? last.reason : 'Restarted',
        message: `container ${c.name} restarted after the revision was Ready (restarts ${was} -> ${restarts}; ${exitText(last)})`,
      });
    } else if (current) {
      failures.push({
        object: ref(pod),
        reason: current.reason ?? 'Terminated',
        message: `container ${c.name} terminated after the revision was Ready (${exitText(current)})`,
      });
    }
  }
  if (failures.length > 0) return failures;
  return notReadyPods([pod], now).map((f) => ({
    ...f,
    message: `${f.message} (it was Ready before)`,
  }));
}

/** Watches the revision for `windowMs` after Ready; the first instability fails it. */
export async function watchStability(
  kubectl: Kubectl,
  o: StabilityOptions,
): Promise<StabilityResult> {
  const now = o.now ?? Date.now;
  const start = now();
  const plan = snapshotPlan(o.objects, o);
  const baseline = new Map(o.baseline.map((p) => [p.metadata.uid ?? p.metadata.name, p]));
  let pods: KubeObject[] = [...o.baseline];
  let consecutiveErrors = 0;
  for (;;) {
    const stoppedBy = cancellation();
    if (stoppedBy) throw new CancelledError('stability window', stoppedBy);
    await cancellableSleep(Math.min(o.pollMs ?? 1000, Math.max(0, o.windowMs - (now() - start))));
    try {
      const snapshot = await takeSnapshot(kubectl, plan, o.namespace, now);
      consecutiveErrors = 0;
      const t = snapshot.takenAt;
      const a = assessRollout(snapshot, o, t);
      pods = a.pods;
      // A restart since Ready is named as such, even where the rollout rules
      // would also call it a crash loop (crash-loop-restarts: 1).
      const unstable = a.pods.flatMap((p) =>
        podInstability(p, baseline.get(p.metadata.uid ?? p.metadata.name), t),
      );
      const failures = unstable.length > 0 ? unstable : a.state === 'failed' ? a.failures : [];
      if (failures.length > 0) return { state: 'failed', failures, pods, elapsedMs: t - start };
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      // A transient API error is retried; one that persists ends the window.
      if (++consecutiveErrors >= 5) throw error;
    }
    if (now() - start >= o.windowMs) {
      return { state: 'stable', failures: [], pods, elapsedMs: now() - start };
    }
  }
}
