// Watches a release's rollout by polling: each poll takes one snapshot of the
// release's own objects and of the pods, ReplicaSets and ControllerRevisions
// that link workloads to their pods (one kubectl call per namespace), and
// judges it with assessRollout until it is ready, fails, or runs out of time.
import { CancelledError } from '../exec/command.js';
import { cancellableSleep, cancellation } from '../exec/signals.js';
import { holdsSecret } from '../secrets/redact.js';
import type { KubeObject, Kubectl } from './kubectl.js';
import { commonLabels, groupOf, type ReleaseObject } from './release-objects.js';
import { removableJob } from './removed-jobs.js';
import {
  assessRollout,
  isWatched,
  notReadyPods,
  type RolloutAssessment,
  type RolloutPolicy,
  type RolloutSnapshot,
} from './rollout.js';
import { createsOwnPods, podsShort, ShortfallClock } from './uncreated-pods.js';
import { stuckStatefulSetPods } from './workload-pods.js';

export interface WatchOptions extends RolloutPolicy {
  /** The release's namespace. */
  namespace?: string;
  /** The objects of the revision to judge (releaseObjects of its manifest and hooks). */
  objects: readonly ReleaseObject[];
  timeoutMs: number;
  pollMs?: number;
  /**
   * After a rollback or over a broken revision: delete StatefulSet pods left on another revision and
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

/** Built-in kinds with a rule, as kubectl lists them. */
const LIST_TYPES: Record<string, string> = {
  'apps/Deployment': 'deployments.apps',
  'apps/StatefulSet': 'statefulsets.apps',
  'apps/DaemonSet': 'daemonsets.apps',
  'batch/Job': 'jobs.batch',
  'batch/CronJob': 'cronjobs.batch',
  '/Pod': 'pods',
};

/** The kubectl type of an object's kind, e.g. `deployments.apps` or `widget.v1.example.com`. */
export function resourceType(o: ReleaseObject): string {
  const known = LIST_TYPES[`${o.group}/${o.kind}`];
  if (known) return known;
  const version = o.apiVersion.slice(o.apiVersion.indexOf('/') + 1);
  return o.group ? `${o.kind.toLowerCase()}.${version}.${o.group}` : o.kind.toLowerCase();
}

/** The kubectl argument naming one object, e.g. `deployments.apps/web`. */
export function resourceArg(o: ReleaseObject): string {
  return `${resourceType(o)}/${o.name}`;
}

export interface NamespacePlan {
  objects: ReleaseObject[];
  types: string[];
  /**
   * `-l` for the listing: the labels every watched object there and all it
   * links to carry, so other releases' objects in the namespace are not read.
   * Dropped for the rest of the watch once a watched object is not in the
   * narrowed listing (labels changed after helm applied them).
   */
  selector?: string;
}

// Label keys (optional DNS prefix) and values as the API accepts them: only
// these go into a selector, whose syntax gives `,` `=` `!` `(` meanings.
const LABEL_NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const LABEL_KEY = new RegExp(`^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?${LABEL_NAME}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_NAME}$`);

/** `k=v,...` of the labels all the objects share, or undefined when they share none. */
export function sharedSelector(objects: readonly ReleaseObject[]): string | undefined {
  if (objects.length === 0) return undefined;
  let shared = objects[0]!.sharedLabels ?? {};
  for (const o of objects.slice(1)) shared = commonLabels(shared, o.sharedLabels ?? {});
  const pairs = Object.entries(shared)
    // A command-line argument: never one that holds a secret value.
    .filter(([k, v]) => LABEL_KEY.test(k) && LABEL_VALUE.test(v) && !holdsSecret(`${k}=${v}`))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return pairs.length ? pairs.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

/** What each poll asks the cluster. */
export interface SnapshotPlan {
  /**
   * Namespace -> the release's objects there and the kubectl types to list:
   * theirs plus what links workloads to pods. One kubectl call per namespace
   * per poll; the objects are then picked by kind and name.
   */
  namespaces: Map<string, NamespacePlan>;
  /** Cluster-scoped objects (custom resources), got by name. */
  clusterScoped: ReleaseObject[];
  /** Which workloads have been short of pods for how long: their events are read past the grace. */
  shortfall: ShortfallClock;
}

export function snapshotPlan(
  objects: readonly ReleaseObject[],
  policy: RolloutPolicy,
): SnapshotPlan {
  const plan: SnapshotPlan = {
    namespaces: new Map(),
    clusterScoped: [],
    shortfall: new ShortfallClock(policy.unschedulableGraceMs),
  };
  const types = new Map<string, Set<string>>();
  for (const o of objects) {
    if (!isWatched(o) || (o.hookEvents && !policy.includeHooks)) continue;
    if (!o.namespace) {
      plan.clusterScoped.push(o);
      continue;
    }
    const entry = plan.namespaces.get(o.namespace) ?? { objects: [], types: [] };
    entry.objects.push(o);
    plan.namespaces.set(o.namespace, entry);
    const t = types.get(o.namespace) ?? new Set<string>();
    t.add(resourceType(o));
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) t.add('pods');
    if (o.kind === 'Deployment') t.add('replicasets.apps');
    if (o.kind === 'DaemonSet') t.add('controllerrevisions.apps');
    types.set(o.namespace, t);
  }
  for (const [ns, entry] of plan.namespaces) {
    entry.types = [...types.get(ns)!];
    entry.selector = sharedSelector(entry.objects);
  }
  return plan;
}

function matches(o: ReleaseObject, live: KubeObject): boolean {
  return (
    live.kind === o.kind &&
    live.metadata.name === o.name &&
    groupOf(live.apiVersion ?? '') === o.group &&
    // A custom resource taken for namespaced (its CRD is not in the release)
    // may come back cluster-scoped.
    (!live.metadata.namespace || live.metadata.namespace === o.namespace)
  );
}

/**
 * A namespace's listing, narrowed by the plan's selector while every watched
 * object is found in it; the whole namespace again (and from then on) when
 * one is not, so a missing object always means the cluster has none.
 */
async function listNamespace(
  kubectl: Kubectl,
  namespace: string,
  entry: NamespacePlan,
): Promise<KubeObject[]> {
  const types = entry.types.join(',');
  if (!entry.selector) return kubectl.list(types, namespace);
  const listed = await kubectl.list(types, namespace, entry.selector);
  if (entry.objects.every((o) => listed.some((l) => matches(o, l)))) return listed;
  entry.selector = undefined;
  return kubectl.list(types, namespace);
}

/**
 * One look at the release. Listing each namespace's types in one call costs
 * one kubectl process per poll, as the label-selector list did (getting the
 * objects by name and their pods separately costs two): objects are still
 * identified by kind, namespace and name from the manifest, never a label.
 * The listing is narrowed only by labels the objects and their pods carry by
 * the API's own rules (release-objects.ts, sharedLabels). Events cost one
 * more call each, read only for a removable Job that is gone and a workload
 * short of pods past the grace (uncreated-pods.ts).
 */
export async function takeSnapshot(
  kubectl: Kubectl,
  plan: SnapshotPlan,
  releaseNamespace?: string,
  clock: () => number = Date.now,
): Promise<RolloutSnapshot & { takenAt: number }> {
  const calls = [...plan.namespaces].map(([ns, entry]) => listNamespace(kubectl, ns, entry));
  if (plan.clusterScoped.length > 0) {
    calls.push(kubectl.getNamed(plan.clusterScoped.map(resourceArg)));
  }
  const all = (await Promise.all(calls)).flat();
  const takenAt = clock();
  const deps = {
    pods: all.filter((o) => o.kind === 'Pod'),
    replicaSets: all.filter((o) => o.kind === 'ReplicaSet'),
    controllerRevisions: all.filter((o) => o.kind === 'ControllerRevision'),
  };
  const wanted = [
    ...[...plan.namespaces.values()].flatMap((e) => e.objects),
    ...plan.clusterScoped,
  ];
  const objects = await Promise.all(
    wanted.map(async (ref) => {
      const live = all.find((l) => matches(ref, l));
      // Gone after it finished? Its events say how it ended (removed-jobs.ts).
      if (!live) {
        if (!removableJob(ref)) return { ref, live };
        return { ref, live, events: await kubectl.events(ref.namespace!, ref.name) };
      }
      if (!ref.namespace || !createsOwnPods(ref.kind, ref.group)) return { ref, live };
      const shortSince = plan.shortfall.eventsDue(
        `${ref.namespace}/${ref.kind}/${ref.name}`,
        live.metadata.uid,
        podsShort(live, deps),
        takenAt,
      );
      if (shortSince === undefined) return { ref, live };
      return { ref, live, events: await kubectl.events(ref.namespace, ref.name), shortSince };
    }),
  );
  return { releaseNamespace, objects, ...deps, takenAt };
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
      `StatefulSet/${ref.name}: deleting pod(s) ${stuck.join(', ')} of the broken revision, which the controller does not replace once its template is reverted`,
    );
    await kubectl.deletePods(ref.namespace, stuck);
    for (const name of stuck) done.add(`${ref.namespace}/${name}`);
  }
}

/** The shortest wait between two polls, right after the watch starts. */
export const FIRST_POLL_MS = 100;

/**
 * The wait before the next poll, `elapsedMs` into the watch: a quarter of the
 * time already spent, from FIRST_POLL_MS up to `pollMs`. A rollout that ends
 * soon after the upgrade (a configuration change, pods that start within a
 * second) is seen a fraction of its length late instead of up to a whole
 * interval; one that takes longer is polled at the normal interval.
 */
export function pollDelay(elapsedMs: number, pollMs: number): number {
  return Math.min(pollMs, Math.max(FIRST_POLL_MS, Math.round(elapsedMs / 4)));
}

/**
 * The least time between the end of one poll and the next, however soon a
 * change is seen: the changes of a rollout come in bursts (a pod, its
 * ReplicaSet, the Deployment), looked at once.
 */
export const MIN_POLL_GAP_MS = 25;

/**
 * Wakes the poll loop when the cluster says something changed (watches
 * through the kubectl proxy): the next poll comes then rather than at the
 * end of its wait. The verdict still comes from the polled snapshot only.
 */
class ChangeSignal {
  private wake: () => void = () => {};
  private changed = new Promise<void>((resolve) => (this.wake = resolve));
  private readonly stops: Promise<() => void>;

  constructor(kubectl: Kubectl, plan: SnapshotPlan) {
    this.stops = Promise.all(
      [...plan.namespaces].map(([ns, entry]) =>
        kubectl.followChanges(entry.types, ns, entry.selector, () => this.wake()),
      ),
    ).then((stops) => () => stops.forEach((stop) => stop()));
  }

  /** Changes from now on end the next wait. */
  reset(): void {
    this.changed = new Promise<void>((resolve) => (this.wake = resolve));
  }

  async sleep(ms: number): Promise<void> {
    await cancellableSleep(Math.min(ms, MIN_POLL_GAP_MS));
    if (ms > MIN_POLL_GAP_MS) await cancellableSleep(ms - MIN_POLL_GAP_MS, this.changed);
  }

  async close(): Promise<void> {
    (await this.stops)();
  }
}

export async function watchRollout(kubectl: Kubectl, options: WatchOptions): Promise<WatchResult> {
  const plan = snapshotPlan(options.objects, options);
  const changes = new ChangeSignal(kubectl, plan);
  try {
    return await pollRollout(kubectl, plan, changes, options);
  } finally {
    await changes.close();
  }
}

async function pollRollout(
  kubectl: Kubectl,
  plan: SnapshotPlan,
  changes: ChangeSignal,
  options: WatchOptions,
): Promise<WatchResult> {
  const now = options.now ?? Date.now;
  const start = now();
  const poll = options.pollMs ?? 500;
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
    const deletedBefore = deleted.size;
    try {
      changes.reset();
      const snapshot = await takeSnapshot(kubectl, plan, options.namespace, now);
      consecutiveErrors = 0;
      last = assessRollout(snapshot, options, snapshot.takenAt);
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
    const elapsed = now() - start;
    if (elapsed >= options.timeoutMs) {
      // Out of time with nothing terminal: the pods it waited for are the failure.
      const failures = last.failures.length ? last.failures : notReadyPods(last.pods, now());
      return result({ state: 'failed', timedOut: true, failures });
    }
    // Right after pods were deleted (forced rollback), the whole interval, as
    // before short waits existed, whatever changes: the controller replaces
    // them meanwhile.
    if (deleted.size > deletedBefore) await cancellableSleep(poll);
    else await changes.sleep(pollDelay(elapsed, poll));
  }
}
