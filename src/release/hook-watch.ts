// Watches the hook Jobs and Pods of an install or upgrade while helm runs it.
// helm awaits a hook Job until it completes or fails for good: one whose pods
// keep failing holds the deploy until its backoffLimit is spent (10 s, 20 s,
// 40 s... between attempts) or the whole timeout ends. The same rules that
// fail a release's own Job fast (a crash loop, failed attempts in a row, an
// image that cannot be pulled) are applied to the hooks, so the caller can
// stop helm and roll back at once.
//
// What is judged comes from the release: the hooks of the pending record
// helm wrote for this operation, by kind, namespace and name, and only the
// objects created since that record (an earlier run's Job of the same name,
// not yet replaced by helm, says nothing about this one).
import { cancellableSleep, cancellation } from '../exec/signals.js';
import type { KubeObject, Kubectl } from '../kube/kubectl.js';
import { releaseObjects, type ReleaseObject } from '../kube/release-objects.js';
import { assessRollout, type RolloutFailure, type RolloutPolicy } from '../kube/rollout.js';
import { snapshotPlan, takeSnapshot, type SnapshotPlan } from '../kube/rollout-watch.js';
import { jobFinished } from '../kube/workload-rules.js';
import { operationHookEvents, readPendingRecord, type PendingRecord } from './pending-record.js';

export interface HookWatchOptions {
  release: string;
  namespace: string;
  /** The newest revision before this operation: the one helm writes is above it. */
  afterRevision: number;
  policy: RolloutPolicy;
  pollMs: number;
  /** Aborted when helm has ended: the watch stops. */
  signal: AbortSignal;
}

/** A hook Job or bare hook Pod of the failed operation that has not finished. */
export interface AbandonedHook {
  kind: 'Job' | 'Pod';
  namespace: string;
  name: string;
  /** The object judged: another of that name (a hook helm ran again since) is not it. */
  uid?: string;
  /** Its delete policy has hook-failed: helm deletes such a hook when it fails. */
  deleteOnFailure: boolean;
}

export interface HookFailure {
  revision: number;
  failures: RolloutFailure[];
  /** The hook pods judged, for diagnostics. */
  pods: KubeObject[];
  /** This operation's hooks still running: abandoned with it, they should not retry. */
  abandoned: AbandonedHook[];
}

/** The hook objects of this operation that a rule can fail: Jobs and bare Pods. */
export function operationHooks(record: PendingRecord, namespace: string): ReleaseObject[] {
  const events = operationHookEvents(record.status);
  return releaseObjects('', namespace, record.hooks).filter(
    (o) =>
      o.hookEvents?.some((e) => events.includes(e)) &&
      ((o.group === 'batch' && o.kind === 'Job') || (o.group === '' && o.kind === 'Pod')),
  );
}

/** Created no earlier than the record (whole seconds, one clock: the API server's). */
function createdSince(live: KubeObject | undefined, since: string): boolean {
  const created = Date.parse(live?.metadata.creationTimestamp ?? '');
  return !Number.isNaN(created) && created >= Date.parse(since);
}

/** A Job that completed or failed for good, a Pod that succeeded or failed. */
function finished(live: KubeObject): boolean {
  if (live.kind === 'Pod') return ['Succeeded', 'Failed'].includes(live.status?.phase);
  return jobFinished(live);
}

/**
 * Resolves with the first failure seen among this operation's hooks, or
 * undefined once `signal` is aborted (helm ended), the operation has no hook
 * to judge, or the run is cancelled. Read errors are retried: this watch only
 * ever shortens a wait helm does anyway.
 */
export async function watchHooks(
  kubectl: Kubectl,
  o: HookWatchOptions,
): Promise<HookFailure | undefined> {
  const policy = { ...o.policy, includeHooks: true };
  // The operation's record and what each poll reads, planned once it names the hooks.
  let watched: { record: PendingRecord; plan: SnapshotPlan } | undefined;
  const stopped = () => o.signal.aborted || cancellation() !== undefined;
  const aborted = new Promise((resolve) =>
    o.signal.addEventListener('abort', resolve, { once: true }),
  );
  while (!stopped()) {
    await Promise.race([cancellableSleep(o.pollMs), aborted]);
    if (stopped()) break;
    try {
      if (!watched) {
        const record = await readPendingRecord(kubectl, o.release, o.namespace, o.afterRevision);
        if (!record) continue;
        const hooks = operationHooks(record, o.namespace);
        if (hooks.length === 0) return undefined;
        watched = { record, plan: snapshotPlan(hooks, policy) };
      }
      const { record, plan } = watched;
      const snapshot = await takeSnapshot(kubectl, plan, o.namespace);
      if (stopped()) break;
      const since = record.createdAt;
      const objects = snapshot.objects.filter(({ live }) => createdSince(live, since));
      const assessed = assessRollout({ ...snapshot, objects }, policy, Date.now());
      if (assessed.failures.length > 0) {
        const abandoned = objects
          .filter(({ live }) => live && !finished(live))
          .map(({ ref, live }) => ({
            kind: ref.kind as AbandonedHook['kind'],
            namespace: ref.namespace ?? o.namespace,
            name: ref.name,
            uid: live!.metadata.uid,
            deleteOnFailure: record.hooks.some(
              (h) =>
                h.kind === ref.kind &&
                h.name === ref.name &&
                (h.delete_policies ?? []).includes('hook-failed'),
            ),
          }));
        return {
          revision: record.revision,
          failures: assessed.failures,
          pods: assessed.pods,
          abandoned,
        };
      }
    } catch {
      // A transient read error: the next poll tries again.
    }
  }
  return undefined;
}
