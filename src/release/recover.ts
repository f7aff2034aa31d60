// Before a deploy touches the release: recover a revision that needs it (stuck
// pending, or left cancelled by a run of ours) by rolling back to the last
// verified one, uninstalling one never deployed, or deploying over it.
import type { RevisionInfo } from '../helm/helm.js';
import { formatDuration } from '../inputs/parse.js';
import type { RolloutPolicy } from '../kube/rollout.js';
import type { ReleaseRecords, RecordStore } from './records.js';
import { ReleaseRefusedError, type ReleaseClients } from './release.js';
import { rollbackTo } from './rollback.js';
import { stuckVerdict } from './state.js';

export interface RecoverRequest {
  release: string;
  namespace: string;
  timeoutMs: number;
  historyMax: number;
  /** A pending revision younger than this belongs to a live run: refused. */
  stuckMaxAgeMs: number;
  now: number;
  policy: RolloutPolicy;
  /** Told what is done, before it is done (a signal may cut it short). */
  onRecovery: (note: string) => void;
}

/** Recovers the newest revision when it needs it; returns the history afterwards. */
export async function recoverStuck(
  clients: ReleaseClients,
  store: RecordStore,
  r: RecoverRequest,
  history: RevisionInfo[],
  records: ReleaseRecords,
): Promise<RevisionInfo[]> {
  const { helm, log } = clients;
  const verdict = stuckVerdict(history, records, r.stuckMaxAgeMs, r.now);
  if (verdict.kind === 'none') return history;
  if (verdict.kind === 'busy') {
    throw new ReleaseRefusedError(
      `release '${r.release}' is ${verdict.status}: another deploy is in progress since ${verdict.since} ` +
        `(${Math.round(verdict.ageMs / 1000)}s ago, less than stuck-release-max-age ${formatDuration(r.stuckMaxAgeMs)}); ` +
        'nothing was changed',
    );
  }
  const what = verdict.cancelled
    ? `left by a cancelled run in ${verdict.status} (revision ${verdict.revision})`
    : `stuck in ${verdict.status} (revision ${verdict.revision}) since ${verdict.since}`;
  const kind = verdict.cancelled ? 'cancelled' : 'stuck';
  const found = `${verdict.status} revision ${verdict.revision} ${verdict.cancelled ? 'left by a cancelled run' : `since ${verdict.since}`}`;
  if (verdict.kind === 'stranded') {
    const message = `release '${r.release}' was ${what}, and none of its earlier revisions is verified or trusted to return to`;
    if (verdict.status.startsWith('pending-'))
      throw new ReleaseRefusedError(`${message}; nothing was changed`);
    log(`${message}: deploying over it`);
    r.onRecovery(`${message}: deployed over it`);
    return history;
  }
  if (verdict.kind === 'rollback') {
    const basis = verdict.unverifiedTarget
      ? `helm's last good revision ${verdict.to} (no verified revision)`
      : `verified revision ${verdict.to}`;
    r.onRecovery(`release '${r.release}' was ${what}: rolled back to ${basis}`);
    log(`Recovering ${kind} release: ${found}, rolling back to ${basis}`);
    // No wait: the upgrade that follows is what gets watched.
    const rolled = await rollbackTo(clients, store, {
      release: r.release,
      namespace: r.namespace,
      to: verdict.to,
      description: `Rollback to ${verdict.to}: recovered from ${kind} ${verdict.status} revision ${verdict.revision}`,
      historyMax: r.historyMax,
      timeoutMs: r.timeoutMs,
      wait: 'none',
      policy: r.policy,
    });
    if (rolled.helmError !== undefined) throw new Error(rolled.helmError);
    return helm.history(r.release, r.namespace);
  }
  r.onRecovery(`release '${r.release}' was ${what} with no good revision: uninstalled`);
  log(`Recovering ${kind} release: ${found} never deployed, uninstalling it`);
  await helm.uninstall(r.release, r.namespace, {
    timeout: formatDuration(r.timeoutMs),
    wait: false,
  });
  return [];
}
