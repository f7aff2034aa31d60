// One deploy, start to end: release state (recover a stuck or cancelled
// release, adopt one never verified), values and secrets file, diff, helm
// upgrade --install, rollout watch (recorded on the release as verified or
// rejected), and on any failure a rollback to the last verified revision; on
// a signal, settle the release in a known state (cancel.ts). Plain arguments
// in, a plain result out; the action layer turns it into outputs and a summary.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, CommandError } from '../exec/command.js';
import { InputError } from '../inputs/errors.js';
import { formatDuration } from '../inputs/parse.js';
import type { Helm, HelmRelease, RevisionInfo } from '../helm/helm.js';
import type { ObjectDiagnostics } from '../kube/diagnostics.js';
import type { Kubectl } from '../kube/kubectl.js';
import type { RolloutFailure, RolloutPolicy } from '../kube/rollout.js';
import { redact, registerSecret } from '../secrets/redact.js';
import { ensureChartDependencies } from './chart-dependencies.js';
import { diffManifests, type ObjectChange } from './diff.js';
import { rollBack } from './auto-rollback.js';
import { settleCancelled, type CancelOutcome, type Phase } from './cancel.js';
import { RecordStore, type ReleaseRecords } from './records.js';
import { adoptRelease, DeployError, recoverRelease } from './recover.js';
import { lastVerifiedRevision } from './release-state.js';
import { registerSecretLeaves, writeSecretValuesFile } from './secret-values.js';
import type { DeploySettings } from './settings.js';
import { upgradeArgs } from './upgrade.js';
import { describeFailures, inspectAfterHelmFailure, verifyRevision } from './verify.js';

export type DeployStatus = 'deployed' | 'rolled-back' | 'failed' | 'diff-only' | 'cancelled';

export { DeployError };

export interface DeployDeps {
  helm: Helm;
  kubectl: Kubectl;
  /** RUNNER_TEMP: where the secret values file lives while helm runs. */
  tempDir: string;
  log: (line: string) => void;
  now?: () => number;
  pollMs?: number;
  /** Called once the release's history is read, before anything changes (the action publishes previous-revision). */
  onHistory?: (history: RevisionInfo[]) => void;
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
}

/**
 * helm's words for "another operation holds this release": nothing of ours was
 * written, and the newest revision belongs to someone else (never roll it back).
 * `release: already exists` is the race where two upgrades read the same
 * history and the other one stored the next revision first.
 */
const CONCURRENT =
  /another operation \(install\/upgrade\/rollback\) is in progress|cannot re-use a name that is still in use|release: already exists/i;

/** helm's `-o json` release; with an OCI chart helm first prints `Pulled: ...` lines. */
export function releaseJson(stdout: string): HelmRelease {
  const start = stdout.search(/^\{/m);
  if (start < 0) throw new Error('helm printed no release JSON');
  return JSON.parse(stdout.slice(start)) as HelmRelease;
}

export async function deploy(s: DeploySettings, deps: DeployDeps): Promise<DeployResult> {
  const now = deps.now ?? Date.now;
  const start = now();
  const { helm, kubectl, log } = deps;
  registerSecretLeaves(s.secretValues);
  if (s.chart.kind === 'oci' && s.chart.registryPassword) registerSecret(s.chart.registryPassword);

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
  };
  const policy: RolloutPolicy = {
    crashLoopRestarts: s.crashLoopRestarts,
    unschedulableGraceMs: s.unschedulableGraceMs,
    requireRollout: s.requireRollout,
  };

  // 0. The chart's dependencies, before anything reads or changes the cluster.
  if (s.chart.kind === 'local' && statSync(s.chart.path).isDirectory()) {
    const done = await ensureChartDependencies(helm, s.chart.path);
    if (done) log(done);
  }

  if (!s.createNamespace && !(await kubectl.namespaceExists(s.namespace))) {
    throw new InputError(
      'namespace',
      s.namespace,
      'an existing namespace (it does not exist; create it or set create-namespace: true)',
    );
  }

  const store = new RecordStore(kubectl, s.release, s.namespace);
  const run: RunState = { phase: 'prepare', startRevision: undefined };
  try {
    // 1. Release state: recover a stuck or cancelled revision, adopt a release never verified.
    let history = await helm.history(s.release, s.namespace);
    run.startRevision = history.at(-1)?.revision ?? 0;
    let records: ReleaseRecords = await store.read();
    if (!records.supported) {
      log(
        `helm's storage (HELM_DRIVER=${process.env.HELM_DRIVER}) is not readable with kubectl: revisions are not recorded as verified`,
      );
    }
    history = await recoverRelease(s, deps, history, records, result);
    deps.onHistory?.(history);
    if (result.recovery) records = await store.read();
    if (!s.diffOnly) {
      const adopted = await adoptRelease(s, deps, store, history, records, policy);
      records = adopted.records;
      result.adoption = adopted.note;
    }
    return await apply(s, deps, { result, history, records, store, run, policy, start });
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    result.status = 'cancelled';
    result.error = error.message;
    result.cancel = await settleCancelled({
      helm,
      store,
      release: s.release,
      namespace: s.namespace,
      historyMax: s.historyMax,
      rollBack: s.rollbackOnFailure,
      phase: run.phase,
      startRevision: run.startRevision,
      signal: /\((SIG\w+)\)/.exec(error.message)?.[1] ?? 'signal',
      log,
    });
    result.history = result.cancel.history;
    result.lastVerifiedRevision = await store
      .read()
      .then((r) => lastVerifiedRevision(result.history, r))
      .catch(() => undefined);
    return result;
  } finally {
    result.durationMs = now() - start;
  }
}

interface RunState {
  phase: Phase;
  /** The newest revision before this run wrote anything; unset until the history was read. */
  startRevision: number | undefined;
}

interface ApplyContext {
  result: DeployResult;
  history: RevisionInfo[];
  records: ReleaseRecords;
  store: RecordStore;
  run: RunState;
  policy: RolloutPolicy;
  start: number;
}

/** Values, diff, upgrade, watch and rollback: everything after the release state is settled. */
async function apply(s: DeploySettings, deps: DeployDeps, c: ApplyContext): Promise<DeployResult> {
  const { helm, kubectl, log } = deps;
  const now = deps.now ?? Date.now;
  const { result, run, policy, history } = c;
  const timeout = formatDuration(s.timeoutMs);
  const deployed = [...history].reverse().find((r) => r.status === 'deployed');
  result.previousRevision = deployed?.revision;
  const lastRevision = history.at(-1)?.revision ?? 0;
  const chartRef = s.chart.kind === 'oci' ? s.chart.ref : s.chart.path;

  const secretFile = s.secretValues
    ? writeSecretValuesFile(s.secretValues, deps.tempDir)
    : undefined;
  // Registry credentials live in a private config under RUNNER_TEMP for this run only.
  const registryDir =
    s.chart.kind === 'oci' ? mkdtempSync(path.join(deps.tempDir, 'hotswap-registry-')) : undefined;
  const env = registryDir ? { HELM_REGISTRY_CONFIG: path.join(registryDir, 'config.json') } : {};
  try {
    if (s.chart.kind === 'oci' && s.chart.registryUsername) {
      const host = new URL(s.chart.ref.replace(/^oci:/, 'https:')).host;
      log(`Logging in to ${host} as ${s.chart.registryUsername}`);
      const login = [
        'registry',
        'login',
        host,
        '--username',
        s.chart.registryUsername,
        '--password-stdin',
      ];
      if (s.chart.plainHttp) login.push(helm.major === 4 ? '--plain-http' : '--insecure');
      await helm.run(login, { input: s.chart.registryPassword, env });
    }
    // 2. Diff against the running release.
    if (s.diff) {
      const rendered = await helm.run(
        upgradeArgs(s, {
          major: helm.major,
          chartRef,
          secretValuesFile: secretFile?.path,
          dryRun: deployed ? 'server' : 'client',
        }),
        { rawOutput: true, env },
      );
      const planned = releaseJson(rendered.stdout).manifest ?? '';
      const current = deployed ? await helm.manifest(s.release, s.namespace) : '';
      result.diff = diffManifests(current, planned, s.namespace);
      log(`Diff: ${result.diff.length} object(s) change`);
      if (s.diffOnly) {
        result.status = 'diff-only';
        result.history = history;
        return result;
      }
    }

    // 3. Apply.
    run.phase = 'upgrade';
    log(
      `helm ${helm.major}: upgrading release '${s.release}' in '${s.namespace}' (wait: ${s.wait})`,
    );
    let upgradeError: string | undefined;
    // The manifest helm applied, from the upgrade's own output: no second helm call.
    let appliedManifest = '';
    try {
      const applied = await helm.run(
        upgradeArgs(s, { major: helm.major, chartRef, secretValuesFile: secretFile?.path }),
        { rawOutput: true, env, onLine: (line, stream) => stream === 'stderr' && log(line) },
      );
      const release = releaseJson(applied.stdout);
      result.revision = release.version;
      appliedManifest = release.manifest ?? '';
      result.manifestDigest = `sha256:${createHash('sha256')
        .update(release.manifest ?? '')
        .digest('hex')}`;
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      if (!(error instanceof CommandError)) throw error;
      upgradeError = redact(error.message);
    }

    if (upgradeError !== undefined && CONCURRENT.test(upgradeError)) {
      result.error = `another operation on release '${s.release}' is in progress; this deploy changed nothing (${upgradeError})`;
      result.history = await helm.history(s.release, s.namespace);
      return result;
    }

    // 4. Watch the rollout.
    if (upgradeError === undefined && s.wait === 'watch') {
      run.phase = 'watch';
      log(`Watching the rollout of revision ${result.revision} (timeout ${timeout})`);
      const watched = await verifyRevision(kubectl, {
        what: `revision ${result.revision}`,
        namespace: s.namespace,
        manifest: appliedManifest,
        policy,
        timeoutMs: s.timeoutMs,
        pollMs: deps.pollMs,
        log,
      });
      result.warnings = watched.notRolledOut;
      result.notJudged = watched.skipped;
      if (watched.state !== 'ready') {
        result.failures = watched.failures;
        result.diagnostics = watched.diagnostics;
        result.error = watched.timedOut
          ? `revision ${result.revision} did not become ready within ${timeout}: waiting for ${watched.waitingFor.join('; ')}`
          : `revision ${result.revision} failed: ${describeFailures(watched.failures)}`;
      }
    } else if (upgradeError !== undefined) {
      result.error = upgradeError;
      // What the cluster shows right now: a failed hook Job, a crash-looping pod...
      const seen = await inspectAfterHelmFailure(
        helm,
        kubectl,
        s.release,
        s.namespace,
        policy,
        now(),
      );
      result.failures = seen.failures;
      result.diagnostics = seen.diagnostics;
    }

    return await conclude(s, deps, c, lastRevision, upgradeError);
  } finally {
    secretFile?.remove();
    if (registryDir) rmSync(registryDir, { recursive: true, force: true });
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
): Promise<DeployResult> {
  const { helm, log } = deps;
  const { result, store, run } = c;
  let history = await helm.history(s.release, s.namespace);
  if (result.revision === undefined) {
    const ours = history.at(-1);
    if (ours && ours.revision > lastRevision) result.revision = ours.revision;
  }
  const done = async (): Promise<DeployResult> => {
    result.history = await helm.history(s.release, s.namespace);
    result.lastVerifiedRevision = lastVerifiedRevision(result.history, await store.read());
    return result;
  };

  if (result.error !== undefined && (history.at(-1)?.revision ?? 0) <= lastRevision) {
    // helm stopped before writing a revision (bad values, schema, rendering):
    // the release is as it was, there is nothing to roll back.
    result.error = `${result.error} (no revision was created; the release is unchanged)`;
    log(`Deploy failed before any change: ${result.error}`);
    return done();
  }

  if (result.error === undefined) {
    result.status = 'deployed';
    // Our watch, or helm's own wait, judged it ready; with wait none nobody did
    // (a smoke test may), nor when its update strategy keeps it from running.
    if (s.wait !== 'none' && result.revision !== undefined) {
      if (result.warnings.length === 0) await store.mark(result.revision, 'verified');
      else
        log(`Revision ${result.revision} is not recorded as verified: it does not run everywhere`);
    }
    log(`Release '${s.release}' revision ${result.revision} deployed`);
    return done();
  }
  log(`Deploy failed: ${result.error}`);
  if (upgradeError === undefined && result.revision !== undefined) {
    await store.mark(result.revision, 'rejected');
  }

  // 5. Roll back to the last verified revision.
  run.phase = 'rollback';
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
    history = await helm.history(s.release, s.namespace);
    await rollBack(s, deps, { result, history, records: await store.read(), store, lastRevision });
  }
  return done();
}
