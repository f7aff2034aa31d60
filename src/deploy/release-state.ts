// What a release's history says: which revisions are good to return to, and
// whether a pending-* release is stuck (safe to recover) or still being worked
// on by another deploy (leave it alone).
import type { ReleaseStatus, RevisionInfo } from '../helm/helm.js';

const PENDING: ReadonlySet<ReleaseStatus> = new Set([
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
]);

export function isPending(status: ReleaseStatus): boolean {
  return PENDING.has(status);
}

const ROLLBACK = /^Rollback to (\d+)/;

/**
 * Revisions that ran successfully, newest first. A revision is good when helm
 * marked it deployed or superseded, its description is not a failure, and the
 * revision right after it is not a rollback away from it: helm marks a
 * revision whose rollout failed after helm returned (our own rollout watch) as
 * superseded "Upgrade complete", so the rollback that followed is the only
 * trace of the failure.
 */
export function goodRevisions(history: readonly RevisionInfo[]): RevisionInfo[] {
  const sorted = [...history].sort((a, b) => a.revision - b.revision);
  const good: RevisionInfo[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (r.status !== 'deployed' && r.status !== 'superseded') continue;
    // A rollback's own description may name the failure it recovered from.
    if (!ROLLBACK.test(r.description) && /fail|error|timed out/i.test(r.description)) continue;
    const next = sorted[i + 1];
    const rolledAway = next && ROLLBACK.exec(next.description);
    if (rolledAway && Number(rolledAway[1]) !== r.revision) continue;
    good.push(r);
  }
  return good.reverse();
}

/** The newest good revision older than `before` (the revision being replaced), if any. */
export function lastGoodRevision(
  history: readonly RevisionInfo[],
  before = Number.MAX_SAFE_INTEGER,
): RevisionInfo | undefined {
  return goodRevisions(history).find((r) => r.revision < before);
}

export type StuckVerdict =
  | { kind: 'none' }
  | { kind: 'busy'; status: ReleaseStatus; since: string; ageMs: number }
  | { kind: 'uninstall'; status: ReleaseStatus; since: string; ageMs: number; revision: number }
  | {
      kind: 'rollback';
      status: ReleaseStatus;
      since: string;
      ageMs: number;
      revision: number;
      to: number;
    };

/**
 * A pending release younger than `maxAgeMs` may belong to a deploy that is
 * still running: it is left alone. An older one is recovered: rolled back to
 * the newest good revision, or uninstalled when it never had one.
 */
export function stuckVerdict(
  history: readonly RevisionInfo[],
  maxAgeMs: number,
  now: number,
): StuckVerdict {
  const last = [...history].sort((a, b) => a.revision - b.revision).at(-1);
  if (!last || !isPending(last.status)) return { kind: 'none' };
  const since = last.updated;
  const ageMs = now - Date.parse(since);
  if (Number.isNaN(ageMs))
    throw new Error(`release revision ${last.revision} has an unreadable update time '${since}'`);
  if (ageMs < maxAgeMs) return { kind: 'busy', status: last.status, since, ageMs };
  const target = lastGoodRevision(history, last.revision);
  if (!target)
    return { kind: 'uninstall', status: last.status, since, ageMs, revision: last.revision };
  return {
    kind: 'rollback',
    status: last.status,
    since,
    ageMs,
    revision: last.revision,
    to: target.revision,
  };
}
