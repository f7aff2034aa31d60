// What a run does after SIGINT/SIGTERM, within the runner's grace period
// (SIGTERM 7.5 s after SIGINT, then a kill). helm has stopped by now: an
// upgrade handles the signal itself (its revision marked failed), a rollback
// was let finish, and whatever still ran at the child deadline was killed.
// From what the history then shows, the run leaves the release in a state the
// next run knows how to act on:
//   - nothing of ours written                   -> nothing to do
//   - our rollback applied                      -> done (its watch was cut short)
//   - our revision pending, failed or unverified -> marked cancelled first (the next
//     run recovers it at once), then rolled back to the rollback target when
//     the budget allows it; a rollback cut short is marked cancelled in turn.
import { beginCleanup, cleanupRemainingMs } from '../exec/signals.js';
import type { Helm, ReleaseStatus, RevisionInfo } from '../helm/helm.js';
import { redact } from '../secrets/redact.js';
import { withMark, type RecordStore } from '../release/records.js';
import { isPending, stuckVerdict } from '../release/state.js';

export type Phase = 'prepare' | 'upgrade' | 'watch' | 'rollback';

export interface CancelOutcome {
  signal: string;
  phase: Phase;
  /** What was found and done after the signal, in order. */
  steps: string[];
  /** The newest revision once settled, e.g. `revision 5 deployed (Rollback to 3: ...)`. */
  state: string;
  /** The release history once settled. */
  history: RevisionInfo[];
}

/** A rollback needs about this long on a responsive cluster; with less left it is not started. */
export const UNDO_MIN_MS = 3_500;
/** Kept back from the undo for marking a rollback that was cut short. */
const MARK_RESERVE_MS = 1_200;

const ROLLBACK = /^Rollback to (\d+)/;

export interface SettleContext {
  helm: Helm;
  store: RecordStore;
  release: string;
  namespace: string;
  historyMax: number;
  /** false: the caller (the deploy workflow's rollback step) owns the rollback; only mark. */
  rollBack: boolean;
  phase: Phase;
  /** The newest revision before this run wrote anything (unset: it read nothing yet). */
  startRevision: number | undefined;
  signal: string;
  log: (line: string) => void;
}

export async function settleCancelled(ctx: SettleContext): Promise<CancelOutcome> {
  beginCleanup();
  const { helm } = ctx;
  const steps: string[] = [];
  const step = (line: string) => {
    steps.push(line);
    ctx.log(`Cancelled (${ctx.signal}) during ${ctx.phase}: ${line}`);
  };
  let history: RevisionInfo[] = [];
  try {
    history = await helm.history(ctx.release, ctx.namespace);
    const last = history.at(-1);
    if (ctx.startRevision === undefined || !last || last.revision <= ctx.startRevision) {
      step('this run wrote nothing to the release');
    } else if (ROLLBACK.test(last.description) && last.status === 'deployed') {
      step(
        `the rollback (revision ${last.revision}, ${last.description}) was applied; its verification was cut short`,
      );
    } else {
      history = await undo(ctx, history, last, step);
    }
  } catch (error) {
    step(`could not finish: ${redact((error as Error).message)}`);
    history = await helm.history(ctx.release, ctx.namespace).catch(() => history);
  }
  const last = history.at(-1);
  const state = last
    ? `revision ${last.revision} ${last.status} (${last.description})`
    : 'no release';
  return { signal: ctx.signal, phase: ctx.phase, steps, state, history };
}

async function undo(
  ctx: SettleContext,
  history: RevisionInfo[],
  last: RevisionInfo,
  step: (line: string) => void,
): Promise<RevisionInfo[]> {
  const { helm, store } = ctx;
  // The intent first: it is what the next run acts on if nothing else gets done.
  const records = withMark(await store.read(), last.revision, 'cancelled');
  await store.mark(last.revision, 'cancelled');
  step(
    `revision ${last.revision} (${last.status}) is recorded as cancelled: the next deploy recovers it at once`,
  );
  const verdict = stuckVerdict(history, records, 0, Date.now());
  if (verdict.kind !== 'rollback') {
    step(
      verdict.kind === 'uninstall'
        ? 'the release never had a good revision: the next deploy uninstalls it'
        : 'no verified or trusted revision to roll back to: left for the next deploy',
    );
    return history;
  }
  if (!ctx.rollBack) {
    step(`rollback-on-failure is off: revision ${verdict.to} is left to the caller's rollback`);
    return history;
  }
  const left = cleanupRemainingMs();
  if (left < UNDO_MIN_MS) {
    step(`${Math.round(left)} ms left of the grace period: too little to roll back now`);
    return history;
  }
  const basis = verdict.unverifiedTarget ? "helm's last good revision" : 'verified revision';
  try {
    await helm.rollback(ctx.release, ctx.namespace, verdict.to, {
      historyMax: ctx.historyMax,
      timeout: `${Math.floor((left - MARK_RESERVE_MS) / 1000)}s`,
      wait: false,
      description: `Rollback to ${verdict.to}: run cancelled (${ctx.signal}) during ${ctx.phase} of revision ${last.revision}`,
      timeoutMs: left - MARK_RESERVE_MS,
    });
    step(`rolled back to ${basis} ${verdict.to} (not waited for: no time left to watch it)`);
  } catch (error) {
    step(
      `the rollback to revision ${verdict.to} did not finish: ${redact((error as Error).message)}`,
    );
  }
  // A rollback cut short left its own pending revision: that one is marked too
  // (helm's record read with kubectl: quicker than helm history).
  const newest = (await store.read()).latest;
  if (newest && newest.revision > last.revision && isPending(newest.status as ReleaseStatus)) {
    await store.mark(newest.revision, 'cancelled');
    step(
      `revision ${newest.revision} (${newest.status}) is recorded as cancelled: the next deploy recovers it at once`,
    );
  }
  return helm.history(ctx.release, ctx.namespace);
}
