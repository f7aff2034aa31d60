// What a release's history and our records on it say: which revisions are
// good to return to (verified ones first), and whether the newest revision
// needs recovering now (stuck pending, or left cancelled by a run of ours) or
// is still being worked on by another deploy (leave it alone).
import type { ReleaseStatus, RevisionInfo } from '../helm/helm.js';
import type { ReleaseRecords } from './records.js';

const PENDING: ReadonlySet<ReleaseStatus> = new Set([
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
]);

export function isPending(status: ReleaseStatus): boolean {
  return PENDING.has(status);
}

const ROLLBACK = /^Rollback to (\d+)/;

/** A revision helm wrote by rolling back to an earlier one. */
export function isRollback(r: Pick<RevisionInfo, 'description'>): boolean {
  return ROLLBACK.test(r.description);
}

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

/**
 * Revisions that passed our verification and were not rejected since, newest
 * first. goodRevisions' guess from a rollback that followed is not applied:
 * our own failures are recorded (rejected), and a rollback asked for by hand
 * does not undo a verification.
 */
export function verifiedRevisions(
  history: readonly RevisionInfo[],
  records: ReleaseRecords,
): RevisionInfo[] {
  return [...history]
    .sort((a, b) => b.revision - a.revision)
    .filter((r) => {
      const m = records.marks.get(r.revision);
      return (r.status === 'deployed' || r.status === 'superseded') && m?.verified && !m.rejected;
    });
}

export interface RollbackTarget {
  revision: RevisionInfo;
  /** False: no verified revision exists, so this is helm's last good one (not verified by us). */
  verified: boolean;
}

export interface RollbackCandidates {
  /** Newest first. */
  revisions: RevisionInfo[];
  /** False: no verified revision exists, so these are helm's last good ones (not verified by us). */
  verified: boolean;
}

/**
 * The revisions a failed or cancelled revision may go back to, best first: the
 * verified revisions before `before`. Only when the release has no verified
 * revision at all (never handled by these actions, or its adoption found it
 * unhealthy) are helm's good revisions used, and never one we rejected or left
 * cancelled.
 */
export function rollbackCandidates(
  history: readonly RevisionInfo[],
  records: ReleaseRecords,
  before = Number.MAX_SAFE_INTEGER,
): RollbackCandidates {
  const verified = verifiedRevisions(history, records);
  if (verified.length > 0) {
    return { revisions: verified.filter((r) => r.revision < before), verified: true };
  }
  const fallback = goodRevisions(history).filter((r) => {
    const m = records.marks.get(r.revision);
    return r.revision < before && !m?.rejected && !m?.cancelled;
  });
  return { revisions: fallback, verified: false };
}

/** Where a failed or cancelled revision goes back to: the first of rollbackCandidates. */
export function rollbackTarget(
  history: readonly RevisionInfo[],
  records: ReleaseRecords,
  before = Number.MAX_SAFE_INTEGER,
): RollbackTarget | undefined {
  const { revisions, verified } = rollbackCandidates(history, records, before);
  return revisions[0] && { revision: revisions[0], verified };
}

/** The newest verified revision, for the `last-verified-revision` output. */
export function lastVerifiedRevision(
  history: readonly RevisionInfo[],
  records: ReleaseRecords,
): number | undefined {
  return verifiedRevisions(history, records)[0]?.revision;
}

/** Where a release stood before a deploy changed anything. */
export interface ReleaseStart {
  /** The newest revision (0: none). */
  latest: number;
  /** The newest deployed revision: the one running. */
  deployed?: number;
}

/** The start a history shows: its newest revision and the newest deployed one. */
export function startOf(history: readonly RevisionInfo[]): ReleaseStart {
  return {
    latest: history.at(-1)?.revision ?? 0,
    deployed: [...history].reverse().find((r) => r.status === 'deployed')?.revision,
  };
}

/**
 * The release's start when our records alone settle it: no revision yet, or
 * a release these actions handled before (nothing to adopt) whose newest
 * revision is neither pending nor left cancelled (nothing to recover:
 * stuckVerdict looks at nothing else). Each record's labels carry helm's
 * status of its revision, so no `helm history` is needed before the upgrade.
 */
export function settledStart(records: ReleaseRecords): ReleaseStart | undefined {
  if (!records.supported) return undefined;
  const latest = records.latest;
  if (!latest) return { latest: 0 };
  const pending = isPending(latest.status as ReleaseStatus);
  if (!records.present || pending || records.marks.get(latest.revision)?.cancelled)
    return undefined;
  return { latest: latest.revision, deployed: records.deployed };
}

export type StuckVerdict =
  | { kind: 'none' }
  | { kind: 'busy'; status: ReleaseStatus; since: string; ageMs: number }
  | {
      kind: 'uninstall';
      status: ReleaseStatus;
      since: string;
      ageMs: number;
      revision: number;
      /** A run of ours was cancelled on it: recovered at once, whatever its age. */
      cancelled: boolean;
    }
  | {
      kind: 'rollback';
      status: ReleaseStatus;
      since: string;
      ageMs: number;
      revision: number;
      to: number;
      cancelled: boolean;
      /** The target is helm's last good revision, not one we verified. */
      unverifiedTarget: boolean;
    }
  | {
      kind: 'stranded';
      status: ReleaseStatus;
      since: string;
      ageMs: number;
      revision: number;
      cancelled: boolean;
    };

/**
 * What to do about the newest revision before a deploy. A pending release
 * younger than `maxAgeMs` may belong to a deploy that is still running: it is
 * left alone, unless a run of ours marked it cancelled. An older one, or any
 * revision marked cancelled (a watch, upgrade or rollback cut short), is
 * recovered now: rolled back to the rollback target, or uninstalled when the
 * release never had a good revision.
 */
export function stuckVerdict(
  history: readonly RevisionInfo[],
  records: ReleaseRecords,
  maxAgeMs: number,
  now: number,
): StuckVerdict {
  const last = [...history].sort((a, b) => a.revision - b.revision).at(-1);
  if (!last) return { kind: 'none' };
  const cancelled = records.marks.get(last.revision)?.cancelled === true;
  if (!cancelled && !isPending(last.status)) return { kind: 'none' };
  const since = last.updated;
  const ageMs = now - Date.parse(since);
  if (Number.isNaN(ageMs))
    throw new Error(`release revision ${last.revision} has an unreadable update time '${since}'`);
  if (!cancelled && ageMs < maxAgeMs) return { kind: 'busy', status: last.status, since, ageMs };
  const found = { status: last.status, since, ageMs, revision: last.revision, cancelled };
  const target = rollbackTarget(history, records, last.revision);
  if (target) {
    return {
      kind: 'rollback',
      ...found,
      to: target.revision.revision,
      unverifiedTarget: !target.verified,
    };
  }
  // Uninstall only what never ran well; a release with good but untrusted
  // revisions is left for a person to decide.
  if (!lastGoodRevision(history, last.revision)) return { kind: 'uninstall', ...found };
  return { kind: 'stranded', ...found };
}
