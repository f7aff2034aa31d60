// Before a deploy touches the release: recover a revision that needs it (stuck
// pending, or left cancelled by a run of ours), and adopt a release that these
// actions have never verified by judging its current revision first.
import { formatDuration } from '../inputs/parse.js';
import type { RevisionInfo } from '../helm/helm.js';
import type { RolloutPolicy } from '../kube/rollout.js';
import type { DeployDeps, DeployResult } from './deploy.js';
import type { RecordStore, ReleaseRecords } from './records.js';
import { stuckVerdict } from './release-state.js';
import type { DeploySettings } from './settings.js';
import { describeFailures, verifyRevision } from './verify.js';

export class DeployError extends Error {}

/** Adoption looks at a running release for at most this long before the upgrade goes ahead. */
export const ADOPTION_TIMEOUT_MS = 60_000;

/** Recovers the newest revision when it needs it; returns the history afterwards. */
export async function recoverRelease(
  s: DeploySettings,
  deps: DeployDeps,
  history: RevisionInfo[],
  records: ReleaseRecords,
  result: DeployResult,
): Promise<RevisionInfo[]> {
  const { helm, log } = deps;
  const timeout = formatDuration(s.timeoutMs);
  const verdict = stuckVerdict(history, records, s.stuckMaxAgeMs, (deps.now ?? Date.now)());
  if (verdict.kind === 'none') return history;
  if (verdict.kind === 'busy') {
    throw new DeployError(
      `release '${s.release}' is ${verdict.status}: another deploy is in progress since ${verdict.since} ` +
        `(${Math.round(verdict.ageMs / 1000)}s ago, less than stuck-release-max-age ${formatDuration(s.stuckMaxAgeMs)}); ` +
        'nothing was changed',
    );
  }
  const what = verdict.cancelled
    ? `left by a cancelled run in ${verdict.status} (revision ${verdict.revision})`
    : `stuck in ${verdict.status} (revision ${verdict.revision}) since ${verdict.since}`;
  const kind = verdict.cancelled ? 'cancelled' : 'stuck';
  const found = `${verdict.status} revision ${verdict.revision} ${verdict.cancelled ? 'left by a cancelled run' : `since ${verdict.since}`}`;
  if (verdict.kind === 'stranded') {
    const message = `release '${s.release}' was ${what}, and none of its earlier revisions is verified or trusted to return to`;
    if (verdict.status.startsWith('pending-'))
      throw new DeployError(`${message}; nothing was changed`);
    log(`${message}: deploying over it`);
    result.recovery = `${message}: deployed over it`;
    return history;
  }
  if (verdict.kind === 'rollback') {
    const basis = verdict.unverifiedTarget
      ? `helm's last good revision ${verdict.to} (no verified revision)`
      : `verified revision ${verdict.to}`;
    result.recovery = `release '${s.release}' was ${what}: rolled back to ${basis}`;
    log(`Recovering ${kind} release: ${found}, rolling back to ${basis}`);
    await helm.rollback(s.release, s.namespace, verdict.to, {
      historyMax: s.historyMax,
      timeout,
      wait: false,
      description: `Rollback to ${verdict.to}: recovered from ${verdict.cancelled ? 'cancelled' : 'stuck'} ${verdict.status} revision ${verdict.revision}`,
    });
    return helm.history(s.release, s.namespace);
  }
  result.recovery = `release '${s.release}' was ${what} with no good revision: uninstalled`;
  log(`Recovering ${kind} release: ${found} never deployed, uninstalling it`);
  await helm.uninstall(s.release, s.namespace, { timeout, wait: false });
  return [];
}

/**
 * A release that has no record of ours was deployed before these actions
 * were used: its current revision is judged before the upgrade, and recorded
 * as verified when healthy, so a failed upgrade has a verified place to go
 * back to. When it is not healthy that is said, and a failed upgrade falls
 * back to helm's last deployed revision.
 */
export async function adoptRelease(
  s: DeploySettings,
  deps: DeployDeps,
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
  const watched = await verifyRevision(kubectl, {
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
