// "helm rollback, then watch", once: the stuck-release recovery, a failed
// deploy's automatic rollback and the rollback action all go through
// rollbackTo(). The restored revision is judged on its own objects (and only
// their pods of that revision: leftovers of the broken one are going away),
// and recorded as verified when it was seen to work.
import { CancelledError } from '../exec/command.js';
import { formatDuration } from '../inputs/parse.js';
import type { WaitStrategy } from '../inputs/cluster.js';
import type { RolloutPolicy } from '../kube/rollout.js';
import { redact } from '../secrets/redact.js';
import type { RecordStore } from './records.js';
import type { ReleaseClients } from './release.js';
import { verifyRollout, type Verified } from './verify.js';

export interface RollbackRequest {
  release: string;
  namespace: string;
  /** The revision to restore. */
  to: number;
  /** What helm writes into the new revision's description: why it was rolled back. */
  description: string;
  historyMax: number;
  timeoutMs: number;
  /** watch: our rollout watch; helm: helm's own wait; none: neither (nor a verified record). */
  wait: WaitStrategy;
  /** How the watch judges the restored revision (with wait: watch). */
  policy: RolloutPolicy;
}

export interface RollbackOutcome extends Verified {
  to: number;
  /** helm rollback itself failed (redacted): nothing was watched. */
  helmError?: string;
}

const NOT_WATCHED: Verified = {
  state: 'ready',
  failures: [],
  waitingFor: [],
  pods: [],
  notRolledOut: [],
  skipped: [],
  timedOut: false,
  elapsedMs: 0,
  deletedPods: [],
  diagnostics: [],
};

/**
 * Rolls the release back to `r.to` and, with wait: watch, watches it. A signal
 * (CancelledError) and a failure to reach the cluster after helm are thrown;
 * helm's own refusal and an unhealthy restored revision are the outcome.
 */
export async function rollbackTo(
  clients: ReleaseClients,
  store: RecordStore,
  r: RollbackRequest,
): Promise<RollbackOutcome> {
  const { helm, kubectl, log } = clients;
  try {
    await helm.rollback(r.release, r.namespace, r.to, {
      historyMax: r.historyMax,
      timeout: formatDuration(r.timeoutMs),
      wait: r.wait === 'helm',
      description: r.description,
    });
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    return {
      ...NOT_WATCHED,
      state: 'failed',
      to: r.to,
      helmError: redact((error as Error).message),
    };
  }
  const watched =
    r.wait === 'watch'
      ? await verifyRollout(kubectl, {
          what: `rollback to revision ${r.to}`,
          namespace: r.namespace,
          manifest: await helm.manifest(r.release, r.namespace),
          // A strategy that keeps the restored revision from running (OnDelete,
          // paused) is reported, not failed: the rollback's job is to stop the
          // broken revision, and failing it would leave nothing better.
          policy: { ...r.policy, requireRollout: false },
          timeoutMs: r.timeoutMs,
          pollMs: clients.pollMs,
          forceStatefulSetRollback: true,
          log,
        })
      : NOT_WATCHED;
  // Not seen to work: no wait at all, or its update strategy keeps it from running.
  if (watched.state === 'ready' && r.wait !== 'none' && watched.notRolledOut.length === 0) {
    const restored = (await helm.history(r.release, r.namespace)).at(-1);
    if (restored) await store.mark(restored.revision, 'verified');
  }
  return { ...watched, to: r.to };
}
