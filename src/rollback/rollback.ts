// Rolls a release back to a chosen revision or, by default, to the newest
// verified revision before the current one (helm's last good one when the
// release has none) whose manifest differs from the current one's; waits and
// verifies with the same rollout watch as deploy, and records the restored
// revision as verified when it passes. Works on a release stuck in a pending
// state: helm rollback does not refuse one. A signal lets helm finish; a
// rollback cut short is marked for the next run.
import { CancelledError } from '../exec/command.js';
import type { Helm, ReleaseStatus, RevisionInfo } from '../helm/helm.js';
import { manifestDigest } from '../helm/manifest-digest.js';
import { InputError } from '../inputs/errors.js';
import { formatDuration } from '../inputs/parse.js';
import type { ObjectDiagnostics } from '../kube/diagnostics.js';
import type { Kubectl } from '../kube/kubectl.js';
import type { RolloutFailure } from '../kube/rollout.js';
import { redact } from '../secrets/redact.js';
import { RecordStore, type ReleaseRecords } from '../release/records.js';
import {
  isPending,
  isRollback,
  lastVerifiedRevision,
  rollbackCandidates,
} from '../release/state.js';
import { beginCleanup } from '../exec/signals.js';
import { ReleaseRefusedError } from '../release/release.js';
import { rollbackTo, type RollbackOutcome } from '../release/rollback.js';
import { revisionManifest } from '../release/stored-release.js';
import { describeFailures } from '../release/verify.js';

export interface RollbackSettings {
  release: string;
  namespace: string;
  /** Undefined: the newest verified revision before the current one with another manifest. */
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
  /** The default target was helm's last good revision: the release has no verified one. */
  unverifiedTarget?: boolean;
  /** Newer candidates the default target passed over: their manifest is the current one's. */
  sameManifest: number[];
  /** Newest revision that passed verification once the rollback ended. */
  lastVerifiedRevision?: number;
  /** Set when a signal stopped the run, with what it left. */
  cancelled?: string;
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

export interface ChosenTarget {
  current: RevisionInfo;
  target: RevisionInfo;
  verified: boolean;
  /** Newer candidates passed over: their manifest is the current revision's. */
  sameManifest: number[];
}

/**
 * The revision to roll back to: the one asked for, or by default the newest
 * rollback candidate; when the current revision is a deployed rollback, the
 * newest one whose manifest differs from it. A deployed revision that
 * restored an earlier one (a deploy's automatic rollback) runs that
 * revision's manifest, and rolling back to it would change nothing but the
 * revision number. `digestOf` gives a revision's manifest digest; it is
 * called only for the default target of a deployed rollback.
 */
export async function chooseTarget(
  history: readonly RevisionInfo[],
  records: ReleaseRecords,
  release: string,
  namespace: string,
  revision: number | undefined,
  digestOf: (revision: number) => Promise<string>,
): Promise<ChosenTarget> {
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
    return {
      current,
      target,
      verified: records.marks.get(target.revision)?.verified === true,
      sameManifest: [],
    };
  }
  const candidates = rollbackCandidates(history, records, current.revision);
  const kind = candidates.verified ? 'verified' : 'good';
  if (candidates.revisions.length === 0) {
    throw new ReleaseRefusedError(
      `release '${release}' has no verified or good revision before its current revision ${current.revision}: nothing to roll back to`,
    );
  }
  // Only a deployed revision that is itself a rollback (a deploy's automatic
  // rollback restored N) passes over N's manifest. A stuck or failed revision
  // is worth rolling back even to its own manifest: the release leaves that
  // state. So is an upgrade whose smoke test failed: the rollback puts a
  // verified revision back, whatever caused the failure.
  if (current.status !== 'deployed' || !isRollback(current)) {
    return {
      current,
      target: candidates.revisions[0]!,
      verified: candidates.verified,
      sameManifest: [],
    };
  }
  let currentDigest: string | undefined;
  const sameManifest: number[] = [];
  for (const candidate of candidates.revisions) {
    const [now, then] = await Promise.all([
      currentDigest ?? digestOf(current.revision),
      digestOf(candidate.revision),
    ]);
    currentDigest = now;
    if (then !== now) {
      return { current, target: candidate, verified: candidates.verified, sameManifest };
    }
    sameManifest.push(candidate.revision);
  }
  throw new ReleaseRefusedError(
    `release '${release}' has nothing to roll back to: its current revision ${current.revision} has the same manifest as ${
      sameManifest.length === 1
        ? `revision ${sameManifest[0]}, the only ${kind} revision before it`
        : `revisions ${sameManifest.join(', ')}, every ${kind} revision before it`
    }, so a rollback would change no object; set 'revision' to restore another revision`,
  );
}

export async function rollback(
  s: RollbackSettings,
  deps: { helm: Helm; kubectl: Kubectl; log: (line: string) => void; pollMs?: number },
): Promise<RollbackResult> {
  const start = Date.now();
  const { helm, kubectl, log } = deps;
  const store = new RecordStore(kubectl, s.release, s.namespace);
  const history = await helm.history(s.release, s.namespace);
  if (history.length === 0 && !(await kubectl.namespaceExists(s.namespace)))
    throw new InputError('namespace', s.namespace, 'an existing namespace (it does not exist)');
  const chosen = await chooseTarget(
    history,
    await store.read(),
    s.release,
    s.namespace,
    s.revision,
    // Digests only: a manifest holds the release's Secrets. Trailing space is
    // not compared: helm get manifest prints one more newline than the record.
    async (revision) =>
      manifestDigest((await revisionManifest(deps, s.release, s.namespace, revision)).trimEnd()),
  );
  const { current, target } = chosen;
  for (const same of chosen.sameManifest) {
    log(
      `Revision ${same} has the same manifest as the current revision ${current.revision} (rolling back to it would change nothing): passed over`,
    );
  }
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
    unverifiedTarget: s.revision === undefined && !chosen.verified,
    sameManifest: chosen.sameManifest,
    failures: [],
    diagnostics: [],
    warnings: [],
    notJudged: [],
    deletedPods: [],
    history,
    durationMs: 0,
  };
  try {
    const rolled = await rollbackTo({ helm, kubectl, log, pollMs: deps.pollMs }, store, {
      release: s.release,
      namespace: s.namespace,
      to: target.revision,
      description: `Rollback to ${target.revision}: requested, from revision ${current.revision} (${current.status})`,
      historyMax: s.historyMax,
      timeoutMs: s.timeoutMs,
      wait: s.wait,
      policy: {
        crashLoopRestarts: s.crashLoopRestarts,
        unschedulableGraceMs: s.unschedulableGraceMs,
      },
    });
    result.warnings = rolled.notRolledOut;
    result.notJudged = rolled.skipped;
    result.deletedPods = rolled.deletedPods;
    result.error = rolled.helmError ?? rollbackFailure(rolled, formatDuration(s.timeoutMs));
    if (result.error === undefined) {
      result.status = 'rolled-back';
    } else {
      result.failures = rolled.failures;
      result.diagnostics = rolled.diagnostics;
    }
  } catch (error) {
    // Cluster errors after helm acted (its own refusal is in rolled.helmError).
    if (!(error instanceof CancelledError)) {
      result.error = redact((error as Error).message);
    } else {
      result.error = error.message;
      result.cancelled = await markCancelled(store, current.revision);
    }
  }
  try {
    result.history = await helm.history(s.release, s.namespace);
    result.lastVerifiedRevision = lastVerifiedRevision(result.history, await store.read());
  } catch (error) {
    // Out of time after a signal: the summary still says what was done.
    if (!result.cancelled) throw error;
  }
  result.durationMs = Date.now() - start;
  return result;
}

/** Why a restored revision that helm accepted did not pass the watch; undefined when it did. */
function rollbackFailure(rolled: RollbackOutcome, timeout: string): string | undefined {
  if (rolled.state === 'ready') return undefined;
  return rolled.timedOut
    ? `revision ${rolled.to} did not become ready within ${timeout}: waiting for ${rolled.waitingFor.join('; ')}`
    : `revision ${rolled.to} is not healthy: ${describeFailures(rolled.failures)}`;
}

/**
 * After a signal: helm rollback was let finish (or killed at the end of the
 * grace period). A revision it left pending is marked cancelled, which the
 * next deploy recovers at once instead of waiting for stuck-release-max-age.
 */
async function markCancelled(store: RecordStore, from: number): Promise<string> {
  beginCleanup();
  try {
    // helm's record, read with kubectl: quicker than helm history, and time is short.
    const last = (await store.read()).latest;
    if (!last || last.revision <= from) return 'the rollback wrote nothing to the release';
    if (!isPending(last.status as ReleaseStatus)) {
      return `the rollback was applied (revision ${last.revision} ${last.status}); its verification was cut short`;
    }
    await store.mark(last.revision, 'cancelled');
    return `revision ${last.revision} was left ${last.status} and is recorded as cancelled: the next deploy recovers it at once`;
  } catch (error) {
    return `the state it left could not be recorded: ${redact((error as Error).message)}`;
  }
}
