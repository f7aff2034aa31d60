// Which pods belong to a workload's current revision, found the way the
// controllers themselves link them: the workload's own spec.selector plus
// owner references (Deployment -> its current ReplicaSet -> pods;
// StatefulSet/DaemonSet -> pods carrying the current controller revision).
// Never a label convention of the chart. Pure.
import type { KubeObject } from './kubectl.js';
import { matchesSelector } from './label-selector.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HASH_LABEL = 'controller-revision-hash';

/** The objects next to the release's own that link workloads to pods. */
export interface Dependents {
  pods: readonly KubeObject[];
  replicaSets: readonly KubeObject[];
  controllerRevisions: readonly KubeObject[];
}

function ownedBy(child: KubeObject, owner: KubeObject): boolean {
  return (child.metadata.ownerReferences ?? []).some((r) =>
    owner.metadata.uid
      ? r.uid === owner.metadata.uid
      : r.kind === owner.kind && r.name === owner.metadata.name,
  );
}

function sameNamespace(a: KubeObject, b: KubeObject): boolean {
  return (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '');
}

/** Pods the workload owns (directly or through `via`) that its selector matches. */
function podsOf(workload: KubeObject, owner: KubeObject, d: Dependents): KubeObject[] {
  return d.pods.filter(
    (p) =>
      sameNamespace(p, workload) &&
      ownedBy(p, owner) &&
      matchesSelector(p.metadata.labels, workload.spec?.selector),
  );
}

/** The ReplicaSet of the Deployment's current revision (the one its revision annotation names). */
export function currentReplicaSet(d: KubeObject, deps: Dependents): KubeObject | undefined {
  const revision = d.metadata.annotations?.[REVISION_ANNOTATION];
  if (revision === undefined) return undefined;
  return deps.replicaSets.find(
    (rs) =>
      sameNamespace(rs, d) &&
      ownedBy(rs, d) &&
      rs.metadata.annotations?.[REVISION_ANNOTATION] === revision,
  );
}

/** A ControllerRevision's number is a top-level field, not spec or status. */
function revisionOf(cr: KubeObject): number {
  return Number((cr as KubeObject & { revision?: number }).revision ?? 0);
}

/** The hash of a DaemonSet's newest ControllerRevision, as its pods carry it. */
export function daemonSetRevisionHash(ds: KubeObject, deps: Dependents): string | undefined {
  const newest = deps.controllerRevisions
    .filter((cr) => sameNamespace(cr, ds) && ownedBy(cr, ds))
    .sort((a, b) => revisionOf(b) - revisionOf(a))[0];
  return newest?.metadata.labels?.[REVISION_HASH_LABEL];
}

/** Pods of the workload's current revision; every pod for a Job (it has one template). */
export function currentPods(workload: KubeObject, deps: Dependents): KubeObject[] {
  switch (workload.kind) {
    case 'Deployment': {
      const rs = currentReplicaSet(workload, deps);
      return rs ? podsOf(workload, rs, deps) : [];
    }
    case 'StatefulSet': {
      const revision = workload.status?.updateRevision as string | undefined;
      if (!revision) return [];
      return podsOf(workload, workload, deps).filter(
        (p) => p.metadata.labels?.[REVISION_HASH_LABEL] === revision,
      );
    }
    case 'DaemonSet': {
      const hash = daemonSetRevisionHash(workload, deps);
      if (!hash) return [];
      return podsOf(workload, workload, deps).filter(
        (p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash,
      );
    }
    case 'Job':
      return podsOf(workload, workload, deps);
    default:
      return [];
  }
}

function isReady(pod: KubeObject): boolean {
  return (
    (pod.status?.conditions as { type: string; status: string }[] | undefined)?.some(
      (c) => c.type === 'Ready' && c.status === 'True',
    ) ?? false
  );
}

/**
 * Pods of a StatefulSet left on another revision than its current one and
 * never Ready. After a rollback the controller does not replace them (the
 * documented "forced rollback"): they must be deleted.
 */
export function stuckStatefulSetPods(sts: KubeObject, deps: Dependents): KubeObject[] {
  const revision = sts.status?.updateRevision as string | undefined;
  const observed = (sts.status?.observedGeneration ?? 0) >= (sts.metadata.generation ?? 0);
  if (!revision || !observed) return [];
  return podsOf(sts, sts, deps).filter(
    (p) =>
      !p.metadata.deletionTimestamp &&
      p.metadata.labels?.[REVISION_HASH_LABEL] !== revision &&
      !isReady(p),
  );
}
