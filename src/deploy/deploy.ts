// One deploy, start to end: release state (recover a stuck release), values
// and secrets file, diff, helm upgrade --install, rollout watch, and on any
// failure a rollback to the last good revision. Plain arguments in, a plain
// result out; the action layer turns it into outputs and a summary.
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
import { stuckVerdict } from './release-state.js';
import { registerSecretLeaves, writeSecretValuesFile } from './secret-values.js';
import type { DeploySettings } from './settings.js';
import { upgradeArgs } from './upgrade.js';
import { describeFailures, inspectAfterHelmFailure, verifyRevision } from './verify.js';

export type DeployStatus = 'deployed' | 'rolled-back' | 'failed' | 'diff-only';

export interface DeployDeps {
  helm: Helm;
  kubectl: Kubectl;
  /** RUNNER_TEMP: where the secret values file lives while helm runs. */
  tempDir: string;
  log: (line: string) => void;
  now?: () => number;
  pollMs?: number;
}

export interface DeployResult {
  status: DeployStatus;
  release: string;
  namespace: string;
  revision?: number;
  previousRevision?: number;
  rolledBackTo?: number;
  manifestDigest?: string;
  /** What was done about a stuck pending release, if anything. */
  recovery?: string;
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

export class DeployError extends Error {}

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
  const timeout = formatDuration(s.timeoutMs);
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

  // 1. Release state: a stuck pending release is recovered, a live one is left alone.
  let history = await helm.history(s.release, s.namespace);
  const verdict = stuckVerdict(history, s.stuckMaxAgeMs, now());
  if (verdict.kind === 'busy') {
    throw new DeployError(
      `release '${s.release}' is ${verdict.status}: another deploy is in progress since ${verdict.since} ` +
        `(${Math.round(verdict.ageMs / 1000)}s ago, less than stuck-release-max-age ${formatDuration(s.stuckMaxAgeMs)}); ` +
        'nothing was changed',
    );
  }
  if (verdict.kind === 'rollback') {
    result.recovery = `release '${s.release}' was stuck in ${verdict.status} (revision ${verdict.revision}) since ${verdict.since}: rolled back to revision ${verdict.to}`;
    log(
      `Recovering stuck release: ${verdict.status} revision ${verdict.revision} since ${verdict.since}, rolling back to good revision ${verdict.to}`,
    );
    await helm.rollback(s.release, s.namespace, verdict.to, {
      historyMax: s.historyMax,
      timeout,
      wait: false,
      description: `Rollback to ${verdict.to}: recovered from stuck ${verdict.status} revision ${verdict.revision}`,
    });
    history = await helm.history(s.release, s.namespace);
  } else if (verdict.kind === 'uninstall') {
    result.recovery = `release '${s.release}' was stuck in ${verdict.status} (revision ${verdict.revision}) since ${verdict.since} with no good revision: uninstalled`;
    log(
      `Recovering stuck release: ${verdict.status} revision ${verdict.revision} since ${verdict.since} never deployed, uninstalling it`,
    );
    await helm.uninstall(s.release, s.namespace, { timeout, wait: false });
    history = [];
  }

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

    history = await helm.history(s.release, s.namespace);
    if (result.revision === undefined) {
      const ours = history.at(-1);
      if (ours && ours.revision > lastRevision) result.revision = ours.revision;
    }

    if (result.error !== undefined && (history.at(-1)?.revision ?? 0) <= lastRevision) {
      // helm stopped before writing a revision (bad values, schema, rendering):
      // the release is as it was, there is nothing to roll back.
      result.error = `${result.error} (no revision was created; the release is unchanged)`;
      result.history = history;
      log(`Deploy failed before any change: ${result.error}`);
      return result;
    }

    if (result.error === undefined) {
      result.status = 'deployed';
      result.history = history;
      log(`Release '${s.release}' revision ${result.revision} deployed`);
      return result;
    }
    log(`Deploy failed: ${result.error}`);

    // 5. Roll back to the last good revision.
    if (s.wait === 'helm' && s.rollbackOnFailure) {
      // helm's own --rollback-on-failure / --atomic already acted.
      const last = history.at(-1);
      const rolled = last && /^Rollback to (\d+)/.exec(last.description);
      if (rolled) {
        result.status = 'rolled-back';
        result.rolledBackTo = Number(rolled[1]);
      }
      result.rollback = {
        action: history.length === 0 ? 'uninstall' : 'rollback',
        to: result.rolledBackTo,
        ok: true,
        message: 'helm rolled back the release itself',
      };
    } else if (s.rollbackOnFailure) {
      await rollBack(s, deps, result, history, lastRevision, policy, timeout);
    }
    result.history = await helm.history(s.release, s.namespace);
    return result;
  } finally {
    secretFile?.remove();
    if (registryDir) rmSync(registryDir, { recursive: true, force: true });
    result.durationMs = now() - start;
  }
}
