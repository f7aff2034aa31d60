// The automatic rollback of a failed deploy: to the last good revision, or an
// uninstall of a failed first install; verified like a deploy, on the objects
// of the revision it restored.
import { CancelledError } from '../exec/command.js';
import type { RevisionInfo } from '../helm/helm.js';
import type { RolloutPolicy } from '../kube/rollout.js';
import { redact } from '../secrets/redact.js';
import type { DeployDeps, DeployResult } from './deploy.js';
import { lastGoodRevision } from './release-state.js';
import type { DeploySettings } from './settings.js';
import { describeFailures, verifyRevision } from './verify.js';

export async function rollBack(
  s: DeploySettings,
  deps: DeployDeps,
  result: DeployResult,
  history: RevisionInfo[],
  lastRevision: number,
  policy: RolloutPolicy,
  timeout: string,
): Promise<void> {
  const { helm, kubectl, log } = deps;
  const failed = result.revision ?? lastRevision + 1;
  const target = lastGoodRevision(history, failed);
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
  log(
    `Rolling back '${s.release}' to revision ${target.revision} (last good: ${target.description})`,
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
  result.status = 'rolled-back';
  result.rolledBackTo = target.revision;
  result.rollback = {
    action: 'rollback',
    to: target.revision,
    ok: true,
    message: `rolled back to revision ${target.revision}`,
    deletedPods,
  };
  log(`Rolled back to revision ${target.revision}`);
}
