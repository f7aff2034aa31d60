// One readiness rule per kind, as `kubectl rollout status` and kstatus judge
// them, each from the live object alone. A rule says the object failed, is
// still progressing (and on what), or is done; `notRolledOut` says its update
// strategy keeps the new revision from running anywhere (OnDelete, paused,
// a partition above every pod), which is not something waiting would fix.
import type { KubeObject } from './kubectl.js';

export interface RolloutFailure {
  /** `Kind/name`. */
  object: string;
  /** Set when the object is not in the release namespace. */
  namespace?: string;
  reason: string;
  message: string;
}

export interface Verdict {
  failure?: RolloutFailure;
  waiting?: string;
  notRolledOut?: string;
  skipped?: string;
  /** The controller has not seen the new spec yet: its "current" pods are the previous revision's. */
  unobserved?: boolean;
}

export interface Condition {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export function condition(o: KubeObject, type: string): Condition | undefined {
  return (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/** A Job that completed or failed for good: it starts no more pods. */
export function jobFinished(job: KubeObject): boolean {
  return ['Complete', 'Failed'].some((type) => condition(job, type)?.status === 'True');
}

export function ref(o: KubeObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

function int(v: unknown, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}

export function observed(o: KubeObject): boolean {
  const seen = o.status?.observedGeneration;
  return typeof seen === 'number' && seen > 0 && seen >= (o.metadata.generation ?? 0);
}

const NOT_OBSERVED = (o: KubeObject): Verdict => ({
  waiting: `${ref(o)}: new spec not yet observed`,
  unobserved: true,
});

/**
 * spec.replicas of the live object: set by the API server (default 1) and,
 * under an HPA, by the HPA even when the chart leaves it out.
 */
function replicas(o: KubeObject): number {
  return int(o.spec?.replicas, 1);
}

export function deploymentRule(d: KubeObject): Verdict {
  const progressing = condition(d, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    const message = progressing.message ?? 'the deployment made no progress within its deadline';
    return { failure: { object: ref(d), reason: 'ProgressDeadlineExceeded', message } };
  }
  if (!observed(d)) return NOT_OBSERVED(d);
  const n = replicas(d);
  const s = d.status ?? {};
  const updated = int(s.updatedReplicas);
  if (d.spec?.paused === true && updated < n) {
    return {
      notRolledOut: `${ref(d)} is paused: its new revision is not rolled out (${updated} of ${n} pods run it)`,
    };
  }
  if (updated < n) return { waiting: `${ref(d)}: ${updated} of ${n} replicas updated` };
  const total = int(s.replicas);
  if (total > updated)
    return { waiting: `${ref(d)}: ${total - updated} old replicas pending termination` };
  // Not the Available condition: with maxUnavailable equal to the replica
  // count it is True while no pod is available.
  const available = int(s.availableReplicas);
  if (available < updated)
    return { waiting: `${ref(d)}: ${available} of ${updated} updated replicas available` };
  return {};
}

export function statefulSetRule(s: KubeObject): Verdict {
  if (!observed(s)) return NOT_OBSERVED(s);
  const n = replicas(s);
  const st = s.status ?? {};
  const ready = int(st.readyReplicas);
  const updated = int(st.updatedReplicas);
  const strategy = s.spec?.updateStrategy?.type ?? 'RollingUpdate';
  if (ready < n) return { waiting: `${ref(s)}: ${ready} of ${n} replicas ready` };
  if (int(st.replicas) > n)
    return { waiting: `${ref(s)}: ${int(st.replicas) - n} replicas pending termination` };
  if (strategy === 'OnDelete') {
    if (updated < n)
      return {
        notRolledOut: `${ref(s)} uses updateStrategy OnDelete: ${updated} of ${n} pods run the new revision (delete the old pods to roll it out)`,
      };
    return {};
  }
  const partition = int(s.spec?.updateStrategy?.rollingUpdate?.partition);
  if (partition > 0) {
    const expected = Math.max(0, n - partition);
    if (updated < expected)
      return {
        waiting: `${ref(s)}: partitioned rollout, ${updated} of ${expected} pods updated`,
      };
    if (expected === 0 && n > 0 && st.updateRevision !== st.currentRevision)
      return {
        notRolledOut: `${ref(s)} has rollingUpdate.partition ${partition}: no pod runs the new revision`,
      };
    return {};
  }
  if (updated < n) return { waiting: `${ref(s)}: ${updated} of ${n} replicas updated` };
  if (st.updateRevision !== st.currentRevision)
    return { waiting: `${ref(s)}: rolling update to ${st.updateRevision} not complete` };
  return {};
}

export function daemonSetRule(d: KubeObject): Verdict {
  if (!observed(d)) return NOT_OBSERVED(d);
  const st = d.status ?? {};
  const desired = int(st.desiredNumberScheduled);
  const updated = int(st.updatedNumberScheduled);
  const available = int(st.numberAvailable);
  // Ready by kstatus and `kubectl rollout status` alike, yet nothing runs: a
  // node selector, affinity or toleration that no node matches (a typo, a
  // pool that is gone) takes every pod away, so the release says so.
  if (desired === 0)
    return {
      notRolledOut: `${ref(d)} runs on no node: its node selector, affinity and tolerations match none of the cluster's nodes (0 pods scheduled)`,
    };
  if ((d.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'OnDelete') {
    if (available < desired)
      return { waiting: `${ref(d)}: ${available} of ${desired} pods available` };
    if (updated < desired)
      return {
        notRolledOut: `${ref(d)} uses updateStrategy OnDelete: ${updated} of ${desired} pods run the new revision (delete the old pods to roll it out)`,
      };
    return {};
  }
  if (updated < desired) return { waiting: `${ref(d)}: ${updated} of ${desired} pods updated` };
  if (available < desired)
    return { waiting: `${ref(d)}: ${available} of ${desired} updated pods available` };
  return {};
}

/** A Job completes; a hook Job is run and awaited by helm, only its failure matters. */
export function jobRule(j: KubeObject, hook: boolean): Verdict {
  const failed = condition(j, 'Failed');
  if (failed?.status === 'True') {
    const message = failed.message ?? 'the job failed';
    return { failure: { object: ref(j), reason: failed.reason ?? 'JobFailed', message } };
  }
  if (hook) return {};
  if (condition(j, 'Complete')?.status !== 'True') return { waiting: `${ref(j)}: not complete` };
  return {};
}

/** A bare Pod is Ready or Succeeded; its failures (and a hook Pod's) come from podFailures. */
export function podRule(p: KubeObject, hook: boolean): Verdict {
  const phase = p.status?.phase as string | undefined;
  if (hook || phase === 'Succeeded' || condition(p, 'Ready')?.status === 'True') return {};
  return { waiting: `${ref(p)}: not ready (${phase ?? 'no status yet'})` };
}

/**
 * An aggregated API (spec.service set): the API server marks it Available
 * once it reaches the backing Service and discovery answers there. Pods can
 * be Ready while it is not (a wrong port, a CA the API server does not
 * trust, a network policy), and then every client of that API fails; helm's
 * --wait does not look. A local APIService (no service) is always Available.
 */
export function apiServiceRule(o: KubeObject): Verdict {
  const c = condition(o, 'Available');
  if (c?.status === 'True') return {};
  const why = c ? [c.reason, c.message].filter(Boolean).join(': ') : 'no Available condition yet';
  return { waiting: `${ref(o)}: Available is ${c?.status ?? 'Unknown'} (${why})` };
}

/** A custom resource: its Ready (or Available) condition when it has one; otherwise not judged. */
export function customResourceRule(o: KubeObject): Verdict {
  const c = condition(o, 'Ready') ?? condition(o, 'Available');
  if (!c) {
    return {
      skipped: `${ref(o)}: custom resource without a Ready or Available condition, not judged`,
    };
  }
  if (typeof o.status?.observedGeneration === 'number' && !observed(o)) return NOT_OBSERVED(o);
  if (c.status === 'True') return {};
  const why = [c.reason, c.message].filter(Boolean).join(': ');
  return { waiting: `${ref(o)}: ${c.type} is ${c.status ?? 'Unknown'}${why ? ` (${why})` : ''}` };
}
