// Watches a release's rollout by polling: each poll takes one snapshot of the
// release's own objects (named, one kubectl call per namespace) and of the
// pods, ReplicaSets and ControllerRevisions that link them to their pods (one
// call per namespace holding workloads, run alongside), and judges it with
// assessRollout until it is ready, fails, or runs out of time.
import { CancelledError } from '../exec/command.js';
import { cancellableSleep, cancellation } from '../exec/signals.js';
import type { KubeObject, Kubectl } from './kubectl.js';
import { groupOf, type ReleaseObject } from './release-objects.js';
import {
  assessRollout,
  isWatched,
  type RolloutAssessment,
  type RolloutPolicy,
  type RolloutSnapshot,
} from './rollout.js';
import { stuckStatefulSetPods } from './workload-pods.js';

export interface WatchOptions extends RolloutPolicy {
  /** The objects of the revision to judge (releaseObjects of its manifest and hooks). */
  objects: readonly ReleaseObject[];
  timeoutMs: number;
  pollMs?: number;
  /**
   * After a rollback: delete StatefulSet pods left on another revision and
   * never Ready, which the controller does not replace ("forced rollback").
   */
  forceStatefulSetRollback?: boolean;
  /** Called when the list of what is awaited changes. */
  onProgress?: (assessment: RolloutAssessment) => void;
  log?: (line: string) => void;
  now?: () => number;
}

export interface WatchResult extends RolloutAssessment {
  timedOut: boolean;
  elapsedMs: number;
  /** `namespace/pod` deleted for a StatefulSet forced rollback. */
  deletedPods: string[];
}

/** The kubectl argument naming one object, e.g. `deployment.v1.apps/web` or `pod/p`. */
export function resourceArg(o: ReleaseObject): string {
  const version = o.apiVersion.slice(o.apiVersion.indexOf('/') + 1);
  const type = o.group ? `${o.kind.toLowerCase()}.${version}.${o.group}` : o.kind.toLowerCase();
  return `${type}/${o.name}`;
}

/** What each namespace needs from the cluster on every poll. */
export interface SnapshotPlan {
  /** Namespace ('' for cluster-scoped) -> the named objects to get. */
  named: Map<string, ReleaseObject[]>;
  /** Namespace -> the kinds that link its workloads to their pods. */
  dependents: Map<string, string[]>;
}

export function snapshotPlan(
  objects: readonly ReleaseObject[],
  policy: RolloutPolicy,
): SnapshotPlan {
  const named = new Map<string, ReleaseObject[]>();
  const dependents = new Map<string, Set<string>>();
  for (const o of objects) {
    if (!isWatched(o) || (o.hookEvents && !policy.includeHooks)) continue;
    const ns = o.namespace ?? '';
    named.set(ns, [...(named.get(ns) ?? []), o]);
    if (!['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind) || !o.namespace)
      continue;
    const kinds = dependents.get(ns) ?? new Set(['pods']);
    if (o.kind === 'Deployment') kinds.add('replicasets.apps');
    if (o.kind === 'DaemonSet') kinds.add('controllerrevisions.apps');
    dependents.set(ns, kinds);
  }
  return {
    named,
    dependents: new Map([...dependents].map(([ns, kinds]) => [ns, [...kinds]])),
  };
}

function matches(o: ReleaseObject, live: KubeObject): boolean {
  return (
    live.kind === o.kind &&
    live.metadata.name === o.name &&
    groupOf(live.apiVersion ?? '') === o.group &&
    // A custom resource taken for namespaced may come back cluster-scoped.
    (!live.metadata.namespace || live.metadata.namespace === o.namespace)
  );
}

export async function takeSnapshot(kubectl: Kubectl, plan: SnapshotPlan): Promise<RolloutSnapshot> {
  const named = [...plan.named].map(async ([ns, objects]) => {
    const live = await kubectl.getNamed(objects.map(resourceArg), ns || undefined);
    return objects.map((ref) => ({ ref, live: live.find((l) => matches(ref, l)) }));
  });
  const linked = [...plan.dependents].map(([ns, kinds]) => kubectl.list(kinds.join(','), ns));
  const [objects, lists] = await Promise.all([Promise.all(named), Promise.all(linked)]);
  const all = lists.flat();
  return {
    objects: objects.flat(),
    pods: all.filter((o) => o.kind === 'Pod'),
    replicaSets: all.filter((o) => o.kind === 'ReplicaSet'),
    controllerRevisions: all.filter((o) => o.kind === 'ControllerRevision'),
  };
}

/** Deletes StatefulSet pods stuck on a revision the controller will not replace. */
async function forceStatefulSetRollback(
  kubectl: Kubectl,
  snapshot: RolloutSnapshot,
  done: Set<string>,
  log: (line: string) => void,
): Promise<void> {
  for (const { ref, live } of snapshot.objects) {
    if (ref.kind !== 'StatefulSet' || !live || !ref.namespace) continue;
    const stuck = stuckStatefulSetPods(live, snapshot)
      .map((p) => p.metadata.name)
      .filter((name) => !done.has(`${ref.namespace}/${name}`));
    if (stuck.length === 0) continue;
    log(
      `StatefulSet/${ref.name}: deleting pod(s) ${stuck.join(', ')} of the broken revision, which the controller does not replace after a rollback`,
    );
    await kubectl.deletePods(ref.namespace, stuck);
    for (const name of stuck) done.add(`${ref.namespace}/${name}`);
  }
}

export async function watchRollout(kubectl: Kubectl, options: WatchOptions): Promise<WatchResult> {
  const now = options.now ?? Date.now;
  const start = now();
  const poll = options.pollMs ?? 500;
  const plan = snapshotPlan(options.objects, options);
  const deleted = new Set<string>();
  let lastKey = '';
  let consecutiveErrors = 0;
  let last: RolloutAssessment = {
    state: 'progressing',
    failures: [],
    waitingFor: ['first snapshot'],
    notRolledOut: [],
    skipped: [],
    pods: [],
  };
  const result = (extra: Partial<WatchResult> = {}): WatchResult => ({
    ...last,
    timedOut: false,
    elapsedMs: now() - start,
    deletedPods: [...deleted],
    ...extra,
  });
  for (;;) {
    // Cancelled between polls: stop here, the caller decides what the revision's state is.
    const stoppedBy = cancellation();
    if (stoppedBy) throw new CancelledError('rollout watch', stoppedBy);
    try {
      const snapshot = await takeSnapshot(kubectl, plan);
      consecutiveErrors = 0;
      last = assessRollout(snapshot, options, now());
      const key = JSON.stringify([last.state, last.waitingFor]);
      if (key !== lastKey) options.onProgress?.(last);
      lastKey = key;
      if (last.state !== 'progressing') return result();
      if (options.forceStatefulSetRollback) {
        await forceStatefulSetRollback(kubectl, snapshot, deleted, options.log ?? (() => {}));
      }
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      // A transient API error is retried; one that persists ends the watch.
      if (++consecutiveErrors >= 5) throw error;
    }
    if (now() - start >= options.timeoutMs) return result({ state: 'failed', timedOut: true });
    await cancellableSleep(poll);
  }
}
