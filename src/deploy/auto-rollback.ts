// The automatic rollback of a failed deploy: to the last verified revision
// (helm's last good one only when the release has no verified revision), or an
// uninstall of a failed first install; verified like a deploy, on the objects
// of the revision it restored, and recorded as verified when it passes.
import type { RevisionInfo } from '../helm/helm.js';
import type { RolloutFailure, RolloutPolicy } from '../kube/rollout.js';
import { formatDuration } from '../inputs/parse.js';
import type { RecordStore, ReleaseRecords } from '../release/records.js';
import type { ReleaseClients } from '../release/release.js';
import { rollbackTo } from '../release/rollback.js';
import { lastGoodRevision, rollbackTarget } from '../release/state.js';
import { describeFailures } from '../release/verify.js';
import type { DeployResult } from './deploy.js';
import type { DeploySettings } from './settings.js';

export interface RollbackContext {
  history: RevisionInfo[];
  records: ReleaseRecords;
  store: RecordStore;
  /** The revision that failed. */
  failed: number;
  /** Why it failed: the first failure the watch or the look after helm found. */
  firstFailure: RolloutFailure | undefined;
  /** The watch ran out of time with no object failing: the reason when firstFailure is unset. */
  timedOut?: boolean;
  policy: RolloutPolicy;
}

export interface AutoRollback {
  rollback: NonNullable<DeployResult['rollback']>;
  /** Set when the release runs the restored revision and it passed. */
  rolledBackTo?: number;
  /** Workloads of the restored revision that run nowhere (OnDelete, paused). */
  warnings: string[];
}

export async function rollBack(
  s: DeploySettings,
  clients: ReleaseClients,
  c: RollbackContext,
): Promise<AutoRollback> {
  const { helm, log } = clients;
  const { history, failed } = c;
  const chosen = rollbackTarget(history, c.records, failed);
  const target = chosen?.revision;
  const none = (ok: boolean, message: string): AutoRollback => ({
    rollback: { action: 'none', ok, message },
    warnings: [],
  });
  // Good by helm's word, but none we verified or trust: a person decides.
  if (!target && lastGoodRevision(history, failed))
    return none(
      false,
      `no verified revision before revision ${failed} to roll back to; the release is left as it is`,
    );
  if (!target) {
    if (s.keepFailedInstall)
      return none(
        true,
        'no earlier good revision; the failed install is kept (keep-failed-install)',
      );
    if (history.length === 0) return none(true, 'nothing was installed');
    log(`No earlier good revision: uninstalling the failed release '${s.release}'`);
    await helm.uninstall(s.release, s.namespace, {
      timeout: formatDuration(s.timeoutMs),
      wait: false,
    });
    return {
      rollback: {
        action: 'uninstall',
        ok: true,
        message: 'the failed first install was uninstalled',
      },
      warnings: [],
    };
  }
  const basis = chosen.verified ? 'last verified' : "no verified revision; helm's last good";
  log(
    `Rolling back '${s.release}' to revision ${target.revision} (${basis}: ${target.description})`,
  );
  // The reason helm's history keeps: never "helm failed" when helm succeeded.
  const reason = c.firstFailure
    ? `${c.firstFailure.object} ${c.firstFailure.reason}`
    : c.timedOut
      ? `not ready within ${formatDuration(s.timeoutMs)}`
      : 'helm failed';
  const rolled = await rollbackTo(clients, c.store, {
    release: s.release,
    namespace: s.namespace,
    to: target.revision,
    description: `Rollback to ${target.revision}: revision ${failed} failed (${reason})`,
    historyMax: s.historyMax,
    timeoutMs: s.timeoutMs,
    wait: s.wait,
    policy: c.policy,
  });
  const to = target.revision;
  if (rolled.helmError !== undefined) {
    const message = `helm rollback failed: ${rolled.helmError}`;
    return { rollback: { action: 'rollback', to, ok: false, message }, warnings: [] };
  }
  const warnings = rolled.notRolledOut.map((w) => `after the rollback: ${w}`);
  const { deletedPods } = rolled;
  if (rolled.state !== 'ready') {
    const why = describeFailures(rolled.failures, false) || rolled.waitingFor.join('; ');
    const message = `rolled back to revision ${to}, but it is not healthy: ${why}`;
    return { rollback: { action: 'rollback', to, ok: false, message, deletedPods }, warnings };
  }
  log(`Rolled back to revision ${to}`);
  const message = `rolled back to ${chosen.verified ? 'verified ' : ''}revision ${to}`;
  return {
    rollback: { action: 'rollback', to, ok: true, message, deletedPods },
    rolledBackTo: to,
    warnings,
  };
}
