// Everything a deploy does once the release state is settled (the chart is
// reachable: chart-access.ts): the diff, helm upgrade --install, the
// judgement of the new revision (our watch, or one look after helm failed),
// the verdict recorded on the release, and on a failure the automatic
// rollback (auto-rollback.ts).
import { CancelledError, CommandError } from '../exec/command.js';
import type { RevisionInfo } from '../helm/helm.js';
import { manifestDigest } from '../helm/manifest-digest.js';
import { formatDuration } from '../inputs/parse.js';
import type { RolloutPolicy } from '../kube/rollout.js';
import { withMark, type RecordStore, type ReleaseRecords } from '../release/records.js';
import { lastVerifiedRevision, type ReleaseStart } from '../release/state.js';
import { collectDiagnostics } from '../kube/diagnostics.js';
import { watchHooks, type HookFailure } from '../release/hook-watch.js';
import { describeFailures, inspectAfterHelmFailure, verifyRollout } from '../release/verify.js';
import { redact } from '../secrets/redact.js';
import { rollBack } from './auto-rollback.js';
import type { Phase } from './cancel.js';
import { releaseJson, type DeployDeps, type DeployResult } from './deploy.js';
import { diffObjects, manifestObjects } from './diff.js';
import { plannedDiff, runningManifest } from './diff-sides.js';
import type { DeploySettings } from './settings.js';
import type { PhaseClock } from './phase-clock.js';
import { upgradeArgs } from './upgrade.js';
import type { ChartAccess } from './chart-access.js';

export interface RunState {
  phase: Phase;
  /** The newest revision before this run wrote anything; unset until the history was read. */
  startRevision: number | undefined;
  clock: PhaseClock;
}

/** Enters `phase`: what a cancellation settles by, and a line of the summary's timing. */
export function enterPhase(run: RunState, phase: Phase): void {
  run.phase = phase;
  run.clock.begin(phase);
}

export interface ApplyContext {
  result: DeployResult;
  /** Where the release stood before this run. */
  start: ReleaseStart;
  /**
   * The history read before this run, when its records alone did not settle
   * the release; otherwise diff-only reads it beside its render.
   */
  history?: RevisionInfo[];
  records: ReleaseRecords;
  store: RecordStore;
  run: RunState;
  policy: RolloutPolicy;
  /** How helm reaches the chart and the secret values (chart-access.ts). */
  access: ChartAccess;
  /** The rollout watch ran out of time (rather than helm failing or an object failing). */
  timedOut?: boolean;
}

/**
 * helm's words for "another operation holds this release": nothing of ours was
 * written, and the newest revision belongs to someone else (never roll it back).
 * `release: already exists` is the race where two upgrades read the same
 * history and the other one stored the next revision first.
 */
const CONCURRENT =
  /another operation \(install\/upgrade\/rollback\) is in progress|cannot re-use a name that is still in use|release: already exists/i;

/** Values, diff, upgrade, watch and rollback: everything after the release state is settled. */
export async function apply(
  s: DeploySettings,
  deps: DeployDeps,
  c: ApplyContext,
): Promise<DeployResult> {
  const { result, start } = c;
  result.previousRevision = start.deployed;
  const lastRevision = start.latest;
  const hasDeployed = start.deployed !== undefined;
  const { access } = c;
  if (s.diffOnly) {
    c.run.clock.begin('diff');
    const [diff, history] = await Promise.all([
      plannedDiff(s, deps, access, hasDeployed),
      c.history ?? deps.helm.history(s.release, s.namespace),
    ]);
    result.diff = diff;
    deps.log(`Diff: ${result.diff.length} object(s) change`);
    result.status = 'diff-only';
    result.history = history;
    result.lastVerifiedRevision = lastVerifiedRevision(history, c.records);
    return result;
  }
  // The running release's manifest is read while helm upgrades; the diff's
  // other side is the manifest the upgrade applied (its own -o json), so a
  // deploy with a diff pays for no server-side dry run.
  const current = s.diff ? runningManifest(s, deps, lastRevision, hasDeployed) : undefined;
  enterPhase(c.run, 'upgrade');
  const upgraded = await upgrade(s, deps, access, result, {
    afterRevision: lastRevision,
    policy: c.policy,
  });
  const upgradeError = upgraded.error;
  if (upgradeError !== undefined && CONCURRENT.test(upgradeError)) {
    result.error = `another operation on release '${s.release}' is in progress; this deploy changed nothing (${upgradeError})`;
    result.history = await deps.helm.history(s.release, s.namespace);
    return result;
  }
  // The watch's first reads are under way before the diff is computed
  // (parsing and comparing two manifests is the main thread's work).
  const judging = judge(s, deps, c, upgraded);
  judging.catch(() => {}); // awaited below, after the diff
  // The history a healthy deploy ends with: recording the verdict writes no
  // revision, so it is read while the watch runs rather than after it.
  const finalHistory =
    upgradeError === undefined ? deps.helm.history(s.release, s.namespace) : undefined;
  finalHistory?.catch(() => {}); // a failed read is read again at the end
  const before = await current;
  if (before !== undefined && upgradeError === undefined) {
    result.diff = diffObjects(
      manifestObjects(before, s.namespace),
      manifestObjects(upgraded.manifest, s.namespace),
    );
    deps.log(`Diff: ${result.diff.length} object(s) change`);
  }
  await judging;
  return conclude(s, deps, c, lastRevision, upgradeError, finalHistory);
}

/** What helm upgrade left: the manifest it applied, or its error (redacted). */
interface Upgraded {
  manifest: string;
  error?: string;
  /** A hook of this upgrade failing, for which helm was stopped. */
  hookFailure?: HookFailure;
}

/** What the hook watch needs beside the settings. */
interface HookWatchContext {
  /** The newest revision before this run: the upgrade writes the next one. */
  afterRevision: number;
  policy: RolloutPolicy;
}

/** How often the hooks are looked at while helm runs them. */
const HOOK_POLL_MS = 1_000;

/**
 * helm upgrade --install; the revision and digest go into the result, the
 * manifest applied comes from the upgrade's own output (no second helm call).
 */
async function upgrade(
  s: DeploySettings,
  deps: DeployDeps,
  access: ChartAccess,
  result: DeployResult,
  hooks: HookWatchContext,
): Promise<Upgraded> {
  const { helm, kubectl, log } = deps;
  log(`helm ${helm.major}: upgrading release '${s.release}' in '${s.namespace}' (wait: ${s.wait})`);
  // helm awaits its hooks itself, a failing hook Job until its backoffLimit or
  // the timeout: they are judged meanwhile, and a failing one stops helm
  // (SIGTERM: helm marks the revision failed) so the deploy fails and rolls
  // back at once, as it does for the release's own objects.
  const helmEnded = new AbortController();
  const stopHelm = new AbortController();
  const hookWatch = watchHooks(kubectl, {
    release: s.release,
    namespace: s.namespace,
    afterRevision: hooks.afterRevision,
    policy: hooks.policy,
    pollMs: deps.pollMs ?? HOOK_POLL_MS,
    signal: helmEnded.signal,
  }).then((failure) => {
    if (failure) {
      log(`Hook failing: ${describeFailures(failure.failures)}; stopping helm upgrade`);
      stopHelm.abort();
    }
    return failure;
  });
  try {
    const applied = await helm.run(
      upgradeArgs(s, {
        major: helm.major,
        chartRef: access.chartRef,
        secretValuesFile: access.secretValuesFile,
      }),
      {
        rawOutput: true,
        env: access.env,
        onLine: (line, stream) => stream === 'stderr' && log(line),
        signal: stopHelm.signal,
      },
    );
    helmEnded.abort();
    const hookFailure = await hookWatch;
    // Stopped, and helm had not succeeded: the hook failed the upgrade.
    if (hookFailure && applied.code !== 0) {
      return stoppedForHook(s, deps, hookFailure, helmFailedOnHook(applied.stderr));
    }
    const release = releaseJson(applied.stdout);
    result.revision = release.version;
    result.manifestDigest = manifestDigest(release.manifest ?? '');
    return { manifest: release.manifest ?? '' };
  } catch (error) {
    helmEnded.abort();
    await hookWatch;
    if (error instanceof CancelledError) throw error;
    if (!(error instanceof CommandError)) throw error;
    return { manifest: '', error: redact(error.message) };
  }
}

/**
 * helm was stopped for a failing hook. The hooks it left running are stopped
 * as well: abandoned with the upgrade, they would otherwise go on retrying (a
 * migration among them) after the release was rolled back. One whose delete
 * policy has hook-failed is deleted, as helm does with a failed hook. Any
 * other Job is suspended, kept with its failed pods for inspection, and
 * replaced by helm at the next upgrade (before-hook-creation); a bare Pod
 * cannot be suspended, so one still running is deleted too (its logs and
 * events are in the failure's diagnostics).
 */
async function stoppedForHook(
  s: DeploySettings,
  deps: DeployDeps,
  failure: HookFailure,
  helmFailedToo: boolean,
): Promise<Upgraded> {
  for (const hook of failure.abandoned) {
    const id = `${hook.kind}/${hook.name}`;
    try {
      // helm may have run a hook of that name since (its own rollback's
      // pre-rollback hook, with wait: helm): only the object judged is stopped.
      const [now] = await deps.kubectl.getNamed(
        [`${hook.kind === 'Pod' ? 'pods' : 'jobs.batch'}/${hook.name}`],
        hook.namespace,
      );
      if (!now) {
        deps.log(`${id}: already gone`);
        continue;
      }
      if (hook.uid !== undefined && now.metadata.uid !== hook.uid) {
        deps.log(`${id}: left alone, a new one of that name was created since the hook failed`);
        continue;
      }
      if (hook.kind === 'Pod') {
        await deps.kubectl.deletePods(hook.namespace, [hook.name]);
        deps.log(
          hook.deleteOnFailure
            ? `${id}: deleted (hook-delete-policy hook-failed)`
            : `${id}: deleted, so that the hook does not retry after this deploy (a bare Pod cannot be suspended)`,
        );
      } else if (hook.deleteOnFailure) {
        await deps.kubectl.deleteJob(hook.namespace, hook.name);
        deps.log(`${id}: deleted (hook-delete-policy hook-failed)`);
      } else {
        await deps.kubectl.suspendJob(hook.namespace, hook.name);
        deps.log(`${id}: suspended, so that the hook does not retry after this deploy`);
      }
    } catch (error) {
      deps.log(`${id}: could not be stopped: ${redact((error as Error).message)}`);
    }
  }
  const error =
    `revision ${failure.revision}: hook failed: ${describeFailures(failure.failures)}; ` +
    (helmFailedToo
      ? 'helm failed the upgrade on it as well'
      : 'helm upgrade was stopped rather than left waiting for the hook until its backoffLimit or the timeout');
  return { manifest: '', error, hookFailure: failure };
}

/**
 * helm's own failure of the upgrade on a hook, e.g. a Job at its backoffLimit
 * found by helm as the deploy found it: its stop then came too late to matter,
 * and the error must not claim it. A stopped helm says "context canceled".
 */
export function helmFailedOnHook(stderr: string): boolean {
  return stderr
    .split('\n')
    .some(
      (line) =>
        line.startsWith('Error:') &&
        line.includes('hooks failed') &&
        !line.includes('context canceled'),
    );
}

/** The new revision judged: our rollout watch, or one look at what helm's failure left. */
async function judge(
  s: DeploySettings,
  deps: DeployDeps,
  c: ApplyContext,
  upgraded: Upgraded,
): Promise<void> {
  const { helm, kubectl, log } = deps;
  const { result, policy } = c;
  if (upgraded.error === undefined && s.wait === 'watch') {
    enterPhase(c.run, 'watch');
    const timeout = formatDuration(s.timeoutMs);
    log(`Watching the rollout of revision ${result.revision} (timeout ${timeout})`);
    const watched = await verifyRollout(kubectl, {
      what: `revision ${result.revision}`,
      namespace: s.namespace,
      manifest: upgraded.manifest,
      policy,
      timeoutMs: s.timeoutMs,
      pollMs: deps.pollMs,
      stableForMs: s.stableForMs,
      // A pod left by an earlier broken revision (a failed deploy not rolled
      // back, or a rollback helm's own wait could not finish) blocks a
      // StatefulSet's rolling update to this one just as it blocks a rollback.
      forceStatefulSetRollback: true,
      log,
    });
    result.deletedPods = watched.deletedPods;
    result.warnings = watched.notRolledOut;
    result.notJudged = watched.skipped;
    if (watched.state !== 'ready') {
      c.timedOut = watched.timedOut;
      result.failures = watched.failures;
      result.diagnostics = watched.diagnostics;
      result.error = watched.timedOut
        ? `revision ${result.revision} did not become ready within ${timeout}: waiting for ${watched.waitingFor.join('; ')}`
        : watched.failedAfterReady
          ? `revision ${result.revision} failed within stable-for ${formatDuration(s.stableForMs)} after it was Ready: ${describeFailures(watched.failures)}`
          : `revision ${result.revision} failed: ${describeFailures(watched.failures)}`;
    }
  } else if (upgraded.hookFailure) {
    result.error = upgraded.error;
    const { failures, pods, revision } = upgraded.hookFailure;
    result.revision = revision;
    result.failures = failures;
    result.diagnostics = await collectDiagnostics(kubectl, s.namespace, failures, pods);
  } else if (upgraded.error !== undefined) {
    result.error = upgraded.error;
    // What the cluster shows right now: a failed hook Job, a crash-looping pod...
    const now = (deps.now ?? Date.now)();
    const seen = await inspectAfterHelmFailure(helm, kubectl, s.release, s.namespace, policy, now);
    result.failures = seen.failures;
    result.diagnostics = seen.diagnostics;
  }
}

/**
 * After helm and the watch: record the verdict on the new revision, and on a
 * failure roll back to the last verified revision.
 */
async function conclude(
  s: DeploySettings,
  deps: DeployDeps,
  c: ApplyContext,
  lastRevision: number,
  upgradeError: string | undefined,
  finalHistory?: Promise<RevisionInfo[]>,
): Promise<DeployResult> {
  const { helm, log } = deps;
  const { result, store } = c;
  if (result.error === undefined) return concludeDeployed(s, deps, c, finalHistory);
  const history = await helm.history(s.release, s.namespace);
  if (result.revision === undefined) {
    // The first revision this run wrote is its upgrade's; helm's own rollback
    // (wait: helm with rollback-on-failure) writes one after it.
    const ours = history.find((r) => r.revision > lastRevision);
    if (ours) result.revision = ours.revision;
  }
  // `unchanged`: the history just read is still the release's (recording a
  // verdict labels helm's storage, it writes no revision).
  const done = async (unchanged?: RevisionInfo[]): Promise<DeployResult> => {
    const [latest, records] = await Promise.all([
      unchanged ?? helm.history(s.release, s.namespace),
      store.read(),
    ]);
    result.history = latest;
    result.lastVerifiedRevision = lastVerifiedRevision(latest, records);
    return result;
  };

  if (result.error !== undefined && (history.at(-1)?.revision ?? 0) <= lastRevision) {
    // helm stopped before writing a revision (bad values, schema, rendering):
    // the release is as it was, there is nothing to roll back.
    result.error = `${result.error} (no revision was created; the release is unchanged)`;
    log(`Deploy failed before any change: ${result.error}`);
    return done(history);
  }

  log(`Deploy failed: ${result.error}`);
  if (upgradeError === undefined && result.revision !== undefined) {
    await store.mark(result.revision, 'rejected');
  }

  enterPhase(c.run, 'rollback');
  await rollBackAfterFailure(s, deps, c, history, lastRevision);
  return done();
}

/**
 * A healthy revision: recorded as verified; the history is the one read
 * while the watch ran (a label on helm's storage writes no revision), and the
 * newest verified revision is known without reading the records again.
 */
async function concludeDeployed(
  s: DeploySettings,
  deps: DeployDeps,
  c: ApplyContext,
  finalHistory?: Promise<RevisionInfo[]>,
): Promise<DeployResult> {
  const { helm, log } = deps;
  const { result, store } = c;
  result.status = 'deployed';
  c.run.clock.begin('verify');
  let records = c.records;
  const record = async (revision: number): Promise<void> => {
    await store.mark(revision, 'verified');
    records = withMark(records, revision, 'verified');
  };
  // Our watch, or helm's own wait, judged it ready; with wait none nobody did
  // (a smoke test may), nor when its update strategy keeps it from running.
  const judged = s.wait !== 'none' && result.revision !== undefined;
  if (judged && result.warnings.length > 0)
    log(`Revision ${result.revision} is not recorded as verified: it does not run everywhere`);
  const read = () => helm.history(s.release, s.namespace);
  const [history] = await Promise.all([
    finalHistory?.catch(read) ?? read(),
    judged && result.warnings.length === 0 ? record(result.revision!) : undefined,
  ]);
  log(`Release '${s.release}' revision ${result.revision} deployed`);
  result.history = history;
  result.lastVerifiedRevision = lastVerifiedRevision(history, records);
  return result;
}

/** A failed revision: helm's own rollback acknowledged, or ours to the last verified revision. */
async function rollBackAfterFailure(
  s: DeploySettings,
  deps: DeployDeps,
  c: ApplyContext,
  history: RevisionInfo[],
  lastRevision: number,
): Promise<void> {
  const { helm, log } = deps;
  const { result, store } = c;
  const last = history.at(-1);
  const helmRolledBack = last && /^Rollback to (\d+)/.exec(last.description);
  if (s.wait === 'helm' && s.rollbackOnFailure && (helmRolledBack || history.length === 0)) {
    // helm's own --rollback-on-failure / --atomic already acted.
    if (helmRolledBack) {
      result.status = 'rolled-back';
      result.rolledBackTo = Number(helmRolledBack[1]);
    }
    result.rollback = {
      action: history.length === 0 ? 'uninstall' : 'rollback',
      to: result.rolledBackTo,
      ok: true,
      message: helmRolledBack
        ? `helm rolled back the release itself, to revision ${result.rolledBackTo}`
        : 'helm uninstalled the failed first install itself',
    };
  } else if (s.rollbackOnFailure) {
    if (s.wait === 'helm' && last) {
      // helm did not get to roll back (killed, or its rollback failed): it is ours to do.
      log(
        `helm left revision ${last.revision} ${last.status} without rolling back: rolling back now`,
      );
    }
    const rolled = await rollBack(s, deps, {
      history: await helm.history(s.release, s.namespace),
      records: await store.read(),
      store,
      failed: result.revision ?? lastRevision + 1,
      firstFailure: result.failures[0],
      timedOut: c.timedOut,
      policy: c.policy,
    });
    result.rollback = rolled.rollback;
    result.warnings.push(...rolled.warnings);
    if (rolled.rolledBackTo !== undefined) {
      result.status = 'rolled-back';
      result.rolledBackTo = rolled.rolledBackTo;
    }
  }
}
