// The automatic rollback of a failed deploy: to the last verified revision
// (helm's last good one only when the release has no verified revision), or an
// uninstall of a failed first install; verified like a deploy, on the objects
// of the revision it restored, and recorded as verified when it passes.
import { CancelledError } from '../exec/command.js';
import type { RevisionInfo } from '../helm/helm.js';
import type { RolloutPolicy } from '../kube/rollout.js';
import { formatDuration } from '../inputs/parse.js';
import { redact } from '../secrets/redact.js';
import type { DeployDeps, DeployResult } from './deploy.js';
import type { RecordStore, ReleaseRecords } from './records.js';
import { lastGoodRevision, rollbackTarget } from './release-state.js';
import type { DeploySettings } from './settings.js';
import { describeFailures, verifyRevision } from './verify.js';

export interface RollbackContext {
  result: DeployResult;
  history: RevisionInfo[];
  records: ReleaseRecords;
  store: RecordStore;
  /** The newest revision before the upgrade. */
  lastRevision: number;
}

export async function rollBack(
  s: DeploySettings,
  deps: DeployDeps,
  c: RollbackContext,
): Promise<void> {
  const { helm, kubectl, log } = deps;
  const { result, history } = c;
  const timeout = formatDuration(s.timeoutMs);
  const policy: RolloutPolicy = {
    crashLoopRestarts: s.crashLoopRestarts,
    unschedulableGraceMs: s.unschedulableGraceMs,
    requireRollout: s.requireRollout,
  };
  const failed = result.revision ?? c.lastRevision + 1;
  const chosen = rollbackTarget(history, c.records, failed);
  const target = chosen?.revision;
  if (!target && lastGoodRevision(history, failed)) {
    // Good by helm's word, but none we verified or trust: a person decides.
    result.rollback = {
      action: 'none',
      ok: false,
      message: `no verified revision before revision ${failed} to roll back to; the release is left as it is`,
    };
    return;
  }
  if (!target) {
    if (s.keepFailedInstall || history.length === 0) {
      result.rollback = {
        action: 'none',
        ok: true,
        message: s.keepFailedInstall
          ? 'no earlier good revision; the failed install is kept (keep-failed-install)'
          : 'nothing was installed',
      };
      return;
    }
    log(`No earlier good revision: uninstalling the failed release '${s.release}'`);
    await helm.uninstall(s.release, s.namespace, { timeout, wait: false });
    result.rollback = {
      action: 'uninstall',
      ok: true,
      message: 'the failed first install was uninstalled',
    };
    return;
  }
  const basis = chosen.verified ? 'last verified' : "no verified revision; helm's last good";
  log(
    `Rolling back '${s.release}' to revision ${target.revision} (${basis}: ${target.description})`,
  );
  const reason = result.failures[0]
    ? `${result.failures[0].object} ${result.failures[0].reason}`
    : 'helm failed';
  try {
    await helm.rollback(s.release, s.namespace, target.revision, {
      historyMax: s.historyMax,
      timeout,
      wait: s.wait === 'helm',
      description: `Rollback to ${target.revision}: revision ${failed} failed (${reason})`,
    });
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    result.rollback = {
      action: 'rollback',
      to: target.revision,
      ok: false,
      message: `helm rollback failed: ${redact((error as Error).message)}`,
    };
    return;
  }
  let deletedPods: string[] = [];
  // A restored revision that its update strategy keeps from running was not seen to work.
  let runsEverywhere = true;
  if (s.wait === 'watch') {
    // Judged on the objects of the revision it restored, and only on their
    // pods of that revision: leftovers of the broken one are going away.
    const watched = await verifyRevision(kubectl, {
      what: `rollback to revision ${target.revision}`,
      namespace: s.namespace,
      manifest: await helm.manifest(s.release, s.namespace),
      // A strategy that keeps the restored revision from running (OnDelete,
      // paused) is reported, not failed: the rollback's job is to stop the
      // broken revision, and failing it would leave nothing better.
      policy: { ...policy, requireRollout: false },
      timeoutMs: s.timeoutMs,
      pollMs: deps.pollMs,
      forceStatefulSetRollback: true,
      log,
    });
    deletedPods = watched.deletedPods;
    result.warnings.push(...watched.notRolledOut.map((w) => `after the rollback: ${w}`));
    runsEverywhere = watched.notRolledOut.length === 0;
    if (watched.state !== 'ready') {
      result.rollback = {
        action: 'rollback',
        to: target.revision,
        ok: false,
        message: `rolled back to revision ${target.revision}, but it is not healthy: ${
          describeFailures(watched.failures, false) || watched.waitingFor.join('; ')
        }`,
        deletedPods,
      };
      return;
    }
  }
  if (s.wait !== 'none' && runsEverywhere) {
    const restored = (await helm.history(s.release, s.namespace)).at(-1);
    if (restored) await c.store.mark(restored.revision, 'verified');
  }
  result.status = 'rolled-back';
  result.rolledBackTo = target.revision;
  result.rollback = {
    action: 'rollback',
    to: target.revision,
    ok: true,
    message: `rolled back to ${chosen.verified ? 'verified ' : ''}revision ${target.revision}`,
    deletedPods,
  };
  log(`Rolled back to revision ${target.revision}`);
}
