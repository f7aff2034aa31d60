// Verifies a revision on the cluster from the objects of its own manifest:
// the rollout watch after an upgrade or a rollback, and the one look taken
// when helm itself reported a failure (a failed hook Job, a crash-looping pod).
import type { Helm } from '../helm/helm.js';
import { formatDuration } from '../inputs/parse.js';
import { collectDiagnostics, type ObjectDiagnostics } from '../kube/diagnostics.js';
import type { Kubectl } from '../kube/kubectl.js';
import { releaseObjects, type ReleaseHook } from '../kube/release-objects.js';
import { watchStability } from '../kube/stability.js';
import { assessRollout, type RolloutFailure, type RolloutPolicy } from '../kube/rollout.js';
import {
  snapshotPlan,
  takeSnapshot,
  watchRollout,
  type WatchResult,
} from '../kube/rollout-watch.js';

export interface Verified extends WatchResult {
  diagnostics: ObjectDiagnostics[];
  /** It was Ready, then failed within the stability window. */
  failedAfterReady?: boolean;
}

export interface VerifyOptions {
  /** How progress lines start, e.g. `revision 3` or `rollback to revision 2`. */
  what: string;
  namespace: string;
  /** The manifest helm applied for the revision. */
  manifest: string;
  policy: RolloutPolicy;
  timeoutMs: number;
  pollMs?: number;
  /** After a rollback or over a broken revision: delete StatefulSet pods of it the controller keeps. */
  forceStatefulSetRollback?: boolean;
  /** After Ready, keep watching this long: a restart or a pod no longer Ready fails it (0: off). */
  stableForMs?: number;
  log: (line: string) => void;
}

export async function verifyRollout(kubectl: Kubectl, o: VerifyOptions): Promise<Verified> {
  const objects = releaseObjects(o.manifest, o.namespace);
  const watched = await watchRollout(kubectl, {
    ...o.policy,
    namespace: o.namespace,
    objects,
    timeoutMs: o.timeoutMs,
    pollMs: o.pollMs,
    forceStatefulSetRollback: o.forceStatefulSetRollback,
    log: o.log,
    onProgress: (a) => {
      if (a.state === 'progressing') o.log(`${o.what}: waiting for ${a.waitingFor.join('; ')}`);
    },
  });
  for (const line of watched.skipped) o.log(`${o.what}: ${line}`);
  for (const line of watched.notRolledOut) o.log(`${o.what}: warning: ${line}`);
  if (watched.state === 'ready' && (o.stableForMs ?? 0) > 0) {
    o.log(`${o.what}: Ready; watching that it stays so for ${formatDuration(o.stableForMs!)}`);
    const held = await watchStability(kubectl, {
      ...o.policy,
      namespace: o.namespace,
      objects,
      baseline: watched.pods,
      windowMs: o.stableForMs!,
      pollMs: o.pollMs,
    });
    if (held.state === 'failed') {
      const diagnostics = await collectDiagnostics(kubectl, o.namespace, held.failures, held.pods);
      return {
        ...watched,
        state: 'failed',
        failures: held.failures,
        pods: held.pods,
        elapsedMs: watched.elapsedMs + held.elapsedMs,
        diagnostics,
        failedAfterReady: true,
      };
    }
    o.log(`${o.what}: stayed Ready for ${formatDuration(o.stableForMs!)}`);
  }
  const diagnostics =
    watched.state === 'ready'
      ? []
      : await collectDiagnostics(kubectl, o.namespace, watched.failures, watched.pods);
  return { ...watched, diagnostics };
}

/** `Kind/name Reason: message; ...` for an error line. */
export function describeFailures(failures: readonly RolloutFailure[], withMessage = true): string {
  return failures
    .map((f) => `${f.object} ${f.reason}${withMessage ? `: ${f.message}` : ''}`)
    .join('; ');
}

/**
 * What the cluster shows right after helm failed, judged on the objects and
 * hooks of the newest revision (helm's release JSON). Best effort: a cluster
 * or helm error yields no findings rather than hiding helm's own error.
 */
export async function inspectAfterHelmFailure(
  helm: Helm,
  kubectl: Kubectl,
  release: string,
  namespace: string,
  policy: RolloutPolicy,
  now: number,
): Promise<{ failures: RolloutFailure[]; diagnostics: ObjectDiagnostics[] }> {
  try {
    const latest = await helm.status(release, namespace);
    if (!latest) return { failures: [], diagnostics: [] };
    const hooks = (latest.hooks ?? []) as ReleaseHook[];
    const judged = { ...policy, includeHooks: true };
    const objects = releaseObjects(latest.manifest ?? '', namespace, hooks);
    const snapshot = await takeSnapshot(kubectl, snapshotPlan(objects, judged), namespace);
    const a = assessRollout(snapshot, judged, now);
    const diagnostics = await collectDiagnostics(kubectl, namespace, a.failures, a.pods);
    return { failures: a.failures, diagnostics };
  } catch {
    return { failures: [], diagnostics: [] };
  }
}
