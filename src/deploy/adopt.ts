// A release these actions have never verified: its current revision is judged
// before the upgrade, so a failed upgrade has a verified place to go back to.
import type { RevisionInfo } from '../helm/helm.js';
import { formatDuration } from '../inputs/parse.js';
import type { RolloutPolicy } from '../kube/rollout.js';
import type { RecordStore, ReleaseRecords } from '../release/records.js';
import type { ReleaseClients } from '../release/release.js';
import { describeFailures, verifyRollout } from '../release/verify.js';
import type { DeploySettings } from './settings.js';

/** Adoption looks at a running release for at most this long before the upgrade goes ahead. */
export const ADOPTION_TIMEOUT_MS = 60_000;

/**
 * A release that has no record of ours was deployed before these actions
 * were used: its current revision is judged before the upgrade, and recorded
 * as verified when healthy, so a failed upgrade has a verified place to go
 * back to. When it is not healthy that is said, and a failed upgrade falls
 * back to helm's last deployed revision.
 */
export async function adoptRelease(
  s: DeploySettings,
  deps: ReleaseClients,
  store: RecordStore,
  history: readonly RevisionInfo[],
  records: ReleaseRecords,
  policy: RolloutPolicy,
): Promise<{ records: ReleaseRecords; note?: string }> {
  const current = [...history].reverse().find((r) => r.status === 'deployed');
  if (!current || records.present || !records.supported || !s.rollbackOnFailure) {
    return { records };
  }
  const { helm, kubectl, log } = deps;
  log(
    `Release '${s.release}' has no verification record: judging its current revision ${current.revision} before the upgrade`,
  );
  const watched = await verifyRollout(kubectl, {
    what: `current revision ${current.revision}`,
    namespace: s.namespace,
    manifest: await helm.manifest(s.release, s.namespace, current.revision),
    policy,
    timeoutMs: Math.min(s.timeoutMs, ADOPTION_TIMEOUT_MS),
    pollMs: deps.pollMs,
    log,
  });
  if (watched.state === 'ready') {
    await store.mark(current.revision, 'verified');
    const note = `revision ${current.revision}, deployed before these actions handled the release, is healthy and now recorded as verified`;
    log(note);
    return { records: await store.read(), note };
  }
  const why = watched.timedOut
    ? `not ready within ${formatDuration(Math.min(s.timeoutMs, ADOPTION_TIMEOUT_MS))} (waiting for ${watched.waitingFor.join('; ')})`
    : describeFailures(watched.failures, false);
  const note = `revision ${current.revision}, deployed before these actions handled the release, is not healthy: ${why}; if this deploy fails it falls back to helm's last deployed revision`;
  log(note);
  return { records, note };
}
