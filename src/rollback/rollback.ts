// Rolls a release back to a chosen revision or, by default, to the newest good
// revision before the current one; waits and verifies with the same rollout
// watch as deploy. Works on a release stuck in a pending state: helm rollback
// does not refuse one.
import { CancelledError } from '../exec/command.js';
import type { Helm, RevisionInfo } from '../helm/helm.js';
import { InputError } from '../inputs/errors.js';
import { formatDuration } from '../inputs/parse.js';
import type { ObjectDiagnostics } from '../kube/diagnostics.js';
import type { Kubectl } from '../kube/kubectl.js';
import type { RolloutFailure } from '../kube/rollout.js';
import { redact } from '../secrets/redact.js';
import { isPending, lastGoodRevision } from '../deploy/release-state.js';
import { describeFailures, verifyRevision } from '../deploy/verify.js';

export interface RollbackSettings {
  release: string;
  namespace: string;
  /** Undefined: the newest good revision before the current one. */
  revision: number | undefined;
  timeoutMs: number;
  wait: 'watch' | 'helm' | 'none';
  historyMax: number;
  crashLoopRestarts: number;
  unschedulableGraceMs: number;
}

export interface RollbackResult {
  status: 'rolled-back' | 'failed';
  release: string;
  namespace: string;
  from: number;
  to: number;
  /** Status of the current revision before the rollback (pending-* when it was stuck). */
  fromStatus: string;
  error?: string;
  failures: RolloutFailure[];
  diagnostics: ObjectDiagnostics[];
  /** One line per workload whose restored revision runs nowhere (OnDelete, paused). */
  warnings: string[];
  /** Objects the watch could not judge, and why. */
  notJudged: string[];
  /** `namespace/pod` of the broken revision deleted for a StatefulSet forced rollback. */
  deletedPods: string[];
  history: RevisionInfo[];
  durationMs: number;
}

export class RollbackError extends Error {}

export function chooseTarget(
  history: readonly RevisionInfo[],
  release: string,
  namespace: string,
  revision: number | undefined,
): { current: RevisionInfo; target: RevisionInfo } {
  const current = history.at(-1);
  // A release or revision the cluster does not have is a wrong input, as a malformed one is.
  if (!current)
    throw new InputError(
      'release',
      release,
      `a release installed in namespace '${namespace}' (release '${release}' not found in namespace '${namespace}')`,
    );
  if (revision !== undefined) {
    const target = history.find((r) => r.revision === revision);
    if (!target) {
      throw new InputError(
        'revision',
        String(revision),
        `a revision in the history of release '${release}' (revision ${revision} of release '${release}' is not in its history; available: ${history.map((r) => r.revision).join(', ')})`,
      );
    }
    if (target.revision === current.revision) {
      throw new InputError(
        'revision',
        String(revision),
        `an earlier revision (revision ${revision} is the current revision of release '${release}': nothing to roll back to)`,
      );
    }
    return { current, target };
  }
  const target = lastGoodRevision(history, current.revision);
  if (!target) {
    throw new RollbackError(
      `release '${release}' has no good revision before its current revision ${current.revision}: nothing to roll back to`,
    );
  }
  return { current, target };
}

export async function rollback(
  s: RollbackSettings,
  deps: { helm: Helm; kubectl: Kubectl; log: (line: string) => void; pollMs?: number },
): Promise<RollbackResult> {
  const start = Date.now();
  const { helm, kubectl, log } = deps;
  const history = await helm.history(s.release, s.namespace);
  if (history.length === 0 && !(await kubectl.namespaceExists(s.namespace)))
    throw new InputError('namespace', s.namespace, 'an existing namespace (it does not exist)');
  const { current, target } = chooseTarget(history, s.release, s.namespace, s.revision);
  if (isPending(current.status)) {
    log(
      `Release '${s.release}' is stuck in ${current.status} (revision ${current.revision} since ${current.updated}): rolling it back`,
    );
  }
  log(
    `Rolling back '${s.release}' from revision ${current.revision} (${current.status}) to ${target.revision} (${target.description})`,
  );
  const result: RollbackResult = {
    status: 'failed',
    release: s.release,
    namespace: s.namespace,
    from: current.revision,
    to: target.revision,
    fromStatus: current.status,
    failures: [],
    diagnostics: [],
    warnings: [],
    notJudged: [],
    deletedPods: [],
    history,
    durationMs: 0,
  };
  const timeout = formatDuration(s.timeoutMs);
  try {
    await helm.rollback(s.release, s.namespace, target.revision, {
      historyMax: s.historyMax,
      timeout,
      wait: s.wait === 'helm',
      description: `Rollback to ${target.revision}: requested, from revision ${current.revision} (${current.status})`,
    });
    if (s.wait === 'watch') {
      // The objects of the revision it restored, and only their pods of that revision.
      const watched = await verifyRevision(kubectl, {
        what: `rollback to revision ${target.revision}`,
        namespace: s.namespace,
        manifest: await helm.manifest(s.release, s.namespace),
        policy: {
          crashLoopRestarts: s.crashLoopRestarts,
          unschedulableGraceMs: s.unschedulableGraceMs,
        },
        timeoutMs: s.timeoutMs,
        pollMs: deps.pollMs,
        forceStatefulSetRollback: true,
        log,
      });
      result.warnings = watched.notRolledOut;
      result.notJudged = watched.skipped;
      result.deletedPods = watched.deletedPods;
      if (watched.state !== 'ready') {
        result.failures = watched.failures;
        result.diagnostics = watched.diagnostics;
        result.error = watched.timedOut
          ? `revision ${target.revision} did not become ready within ${timeout}: waiting for ${watched.waitingFor.join('; ')}`
          : `revision ${target.revision} is not healthy: ${describeFailures(watched.failures)}`;
      }
    }
    if (result.error === undefined) result.status = 'rolled-back';
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    result.error = redact((error as Error).message);
  }
  result.history = await helm.history(s.release, s.namespace);
  result.durationMs = Date.now() - start;
  return result;
}
