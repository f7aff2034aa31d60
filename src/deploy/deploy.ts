// src/deploy: one deploy of a chart to one release, start to end, composed of
// src/release's parts: release state (recover a stuck or cancelled release,
// adopt one never verified), then apply.ts (values and secrets file, diff,
// helm upgrade --install, rollout watch, verdict recorded on the release, and
// on any failure a rollback to the last verified revision); on a signal, the
// release is settled in a known state (cancel.ts). Plain arguments in, a
// plain result out; the step adapter turns it into outputs and a summary.
import { statSync } from 'node:fs';
import { CancelledError } from '../exec/command.js';
import type { HelmRelease, RevisionInfo } from '../helm/helm.js';
import { InputError } from '../inputs/errors.js';
import type { ObjectDiagnostics } from '../kube/diagnostics.js';
import type { RolloutFailure, RolloutPolicy } from '../kube/rollout.js';
import { RecordStore, type ReleaseRecords } from '../release/records.js';
import { recoverStuck } from '../release/recover.js';
import type { ReleaseClients } from '../release/release.js';
import {
  lastVerifiedRevision,
  settledStart,
  startOf,
  type ReleaseStart,
} from '../release/state.js';
import { adoptRelease } from './adopt.js';
import { apply, type RunState } from './apply.js';
import { withChartAccess } from './chart-access.js';
import { PhaseClock, type PhaseTime } from './phase-clock.js';
import { settleCancelled, type CancelOutcome } from './cancel.js';
import { ensureChartDependencies } from '../helm/chart-dependencies.js';
import type { ObjectChange } from './diff.js';
import type { DeploySettings } from './settings.js';

export type DeployStatus = 'deployed' | 'rolled-back' | 'failed' | 'diff-only' | 'cancelled';

export interface DeployDeps extends ReleaseClients {
  /** RUNNER_TEMP: where the secret values file lives while helm runs. */
  tempDir: string;
  now?: () => number;
  /** Called once the release's start is known, before anything changes (the action publishes previous-revision). */
  onStart?: (start: ReleaseStart) => void;
}

export interface DeployResult {
  status: DeployStatus;
  release: string;
  namespace: string;
  revision?: number;
  previousRevision?: number;
  rolledBackTo?: number;
  manifestDigest?: string;
  /** What was done about a stuck or cancelled release, if anything. */
  recovery?: string;
  /** What judging a release never verified before found (see adoptRelease). */
  adoption?: string;
  /** The newest revision that passed our verification, once the deploy ended. */
  lastVerifiedRevision?: number;
  /** Set when a signal stopped the run: where it stopped and what was done. */
  cancel?: CancelOutcome;
  diff?: ObjectChange[];
  /** Why the deploy failed (redacted). */
  error?: string;
  failures: RolloutFailure[];
  diagnostics: ObjectDiagnostics[];
  /** One line per object whose new revision runs nowhere (OnDelete, paused). */
  warnings: string[];
  /** Objects the watch could not judge, and why. */
  notJudged: string[];
  /** `namespace/pod` of an earlier broken revision the watch deleted for a StatefulSet to roll out. */
  deletedPods?: string[];
  rollback?: {
    to?: number;
    action: 'rollback' | 'uninstall' | 'none';
    ok: boolean;
    message: string;
    /** `namespace/pod` of the broken revision deleted for a StatefulSet forced rollback. */
    deletedPods?: string[];
  };
  history: RevisionInfo[];
  durationMs: number;
  /** Wall time by phase, in order (prepare, upgrade, watch, verify or rollback). */
  phases: PhaseTime[];
}

/** helm's `-o json` release; with an OCI chart helm first prints `Pulled: ...` lines. */
export function releaseJson(stdout: string): HelmRelease {
  const start = stdout.search(/^\{/m);
  if (start < 0) throw new Error('helm printed no release JSON');
  return JSON.parse(stdout.slice(start)) as HelmRelease;
}

export function rolloutPolicy(s: DeploySettings): RolloutPolicy {
  return {
    crashLoopRestarts: s.crashLoopRestarts,
    unschedulableGraceMs: s.unschedulableGraceMs,
    requireRollout: s.requireRollout,
  };
}

export async function deploy(s: DeploySettings, deps: DeployDeps): Promise<DeployResult> {
  const now = deps.now ?? Date.now;
  const start = now();
  const result: DeployResult = {
    status: 'failed',
    release: s.release,
    namespace: s.namespace,
    failures: [],
    diagnostics: [],
    warnings: [],
    notJudged: [],
    history: [],
    durationMs: 0,
    phases: [],
  };
  const clock = new PhaseClock(now);
  clock.begin('prepare');
  const store = new RecordStore(deps.kubectl, s.release, s.namespace);
  // The first read does not depend on the checks: it runs alongside them,
  // and is used only once they passed.
  const firstRecords = store.read();
  // Awaited later, unless a check fails first: then a failed read must not
  // end the process as an unhandled rejection before the check's error is
  // reported.
  firstRecords.catch(() => {});
  await checkBeforeChange(s, deps, firstRecords);
  const run: RunState = { phase: 'prepare', startRevision: undefined, clock };
  try {
    return await withChartAccess(s, deps, async (access) => {
      const state = await releaseState(s, deps, store, run, result, await firstRecords);
      const policy = rolloutPolicy(s);
      return await apply(s, deps, { result, ...state, store, run, policy, access });
    });
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    return await cancelled(s, deps, store, run, result, error);
  } finally {
    result.durationMs = now() - start;
    result.phases = clock.times();
  }
}

/** The chart's dependencies and the namespace, before anything changes the release. */
async function checkBeforeChange(
  s: DeploySettings,
  deps: DeployDeps,
  records: Promise<ReleaseRecords>,
): Promise<void> {
  if (s.chart.kind === 'local' && statSync(s.chart.path).isDirectory()) {
    const done = await ensureChartDependencies(deps.helm, s.chart.path);
    if (done) deps.log(done);
  }
  if (!s.createNamespace && !(await namespaceExists(s, deps, records))) {
    throw new InputError(
      'namespace',
      s.namespace,
      'an existing namespace (it does not exist; create it or set create-namespace: true)',
    );
  }
}

/**
 * helm's records of the release are objects in its namespace: when the first
 * reads found one, the namespace exists and an upgrade pays for no more
 * kubectl call; otherwise (a first install, a failed read) it is asked.
 */
async function namespaceExists(
  s: DeploySettings,
  deps: DeployDeps,
  records: Promise<ReleaseRecords>,
): Promise<boolean> {
  const found = await records.then(
    (r) => r.latest !== undefined,
    () => false,
  );
  return found || deps.kubectl.namespaceExists(s.namespace);
}

/**
 * Release state: where the release starts from, once a stuck or cancelled
 * revision is recovered and a release never verified is adopted. When the
 * records alone show neither is needed (settledStart), that is all: helm's
 * history is read first only when there is something to decide.
 */
async function releaseState(
  s: DeploySettings,
  deps: DeployDeps,
  store: RecordStore,
  run: RunState,
  result: DeployResult,
  readRecords: ReleaseRecords,
): Promise<{ start: ReleaseStart; history?: RevisionInfo[]; records: ReleaseRecords }> {
  const { log } = deps;
  const settled = settledStart(readRecords);
  if (settled) {
    run.startRevision = settled.latest;
    deps.onStart?.(settled);
    return { start: settled, records: readRecords };
  }
  let history = await deps.helm.history(s.release, s.namespace);
  run.startRevision = history.at(-1)?.revision ?? 0;
  let records = readRecords;
  if (!records.supported) {
    log(
      `helm's storage (HELM_DRIVER=${process.env.HELM_DRIVER}) is not readable with kubectl: revisions are not recorded as verified`,
    );
  }
  history = await recoverStuck(
    deps,
    store,
    {
      release: s.release,
      namespace: s.namespace,
      timeoutMs: s.timeoutMs,
      historyMax: s.historyMax,
      stuckMaxAgeMs: s.stuckMaxAgeMs,
      now: (deps.now ?? Date.now)(),
      policy: rolloutPolicy(s),
      onRecovery: (note) => (result.recovery = note),
    },
    history,
    records,
  );
  const start = startOf(history);
  deps.onStart?.(start);
  if (result.recovery) records = await store.read();
  if (!s.diffOnly) {
    const adopted = await adoptRelease(s, deps, store, history, records, rolloutPolicy(s));
    records = adopted.records;
    result.adoption = adopted.note;
  }
  return { start, history, records };
}

/** A signal stopped the run: settle the release where it stopped (cancel.ts). */
async function cancelled(
  s: DeploySettings,
  deps: DeployDeps,
  store: RecordStore,
  run: RunState,
  result: DeployResult,
  error: CancelledError,
): Promise<DeployResult> {
  result.status = 'cancelled';
  result.error = error.message;
  run.clock.begin('cancel');
  result.cancel = await settleCancelled({
    helm: deps.helm,
    store,
    release: s.release,
    namespace: s.namespace,
    historyMax: s.historyMax,
    rollBack: s.rollbackOnFailure,
    phase: run.phase,
    startRevision: run.startRevision,
    signal: /\((SIG\w+)\)/.exec(error.message)?.[1] ?? 'signal',
    log: deps.log,
  });
  result.history = result.cancel.history;
  result.lastVerifiedRevision = await store
    .read()
    .then((r) => lastVerifiedRevision(result.history, r))
    .catch(() => undefined);
  return result;
}
