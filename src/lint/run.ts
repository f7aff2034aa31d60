// Lints a chart for every values set: missing chart dependencies are built
// first; then each set goes through the stages of lint-set.ts (values files,
// helm lint, render, schema, policy), the sets concurrently with their helm
// processes bounded together; the chart-wide version bump runs alongside.
// Returns findings and summary rows; reporting is the caller's.
import { mkdirSync } from 'node:fs';
import type { Helm } from '../helm/helm.js';
import { rowFrom, type CheckRow, type Finding } from './findings.js';
import { createLimiter } from './limiter.js';
import { lintSet, setFindings, type SetDeps, type SetOutcome } from './lint-set.js';
import type { ValuesSet } from './plan.js';
import { setRows } from './rows.js';
import { loadKubernetesSchema } from './schema.js';
import type { LintSettings } from './settings.js';
import type { StageFinding, Target } from './stages/context.js';
import type { SetTiming } from './timing.js';
import { dependenciesStage } from './stages/dependencies.js';
import { versionBumpStage } from './stages/version-bump.js';
import { validators, cached } from './validators.js';
import { readValuesFile, type ValuesFile } from './values-files.js';
import { readChartValues } from './chart-values.js';

export interface LintContext {
  helm: Helm;
  /** Directory of the schema data (actions/lint/schemas). */
  schemaDir: string;
  /** Where rendered manifests are written (under RUNNER_TEMP). */
  outputDir: string;
  log?: (line: string) => void;
}

export interface SetResult {
  name: string;
  kind: ValuesSet['kind'];
  result: 'pass' | 'fail';
  rows: CheckRow[];
  /** Rendered manifest per Kubernetes minor. */
  manifests: Record<string, string>;
  timing: SetTiming;
}

export interface LintReport {
  result: 'pass' | 'fail';
  sets: SetResult[];
  /** Chart-wide rows (dependencies, chart version). */
  chartRows: CheckRow[];
  findings: Finding[];
  kubernetes: { minor: string; version: string; source: string }[];
  outputDir: string;
  /** Wall time of the whole run. */
  durationMs: number;
}

/** The target versions, newest first (helm lint runs against the newest). */
function targetsOf(settings: LintSettings, schemaDir: string): Target[] {
  const targets = settings.kubernetes.map((k) => {
    const data = loadKubernetesSchema(schemaDir, k.minor);
    return { minor: k.minor, version: k.version ?? data.kubernetesVersion ?? `${k.minor}.0`, data };
  });
  return targets.sort((a, b) => Number(b.minor.split('.')[1]) - Number(a.minor.split('.')[1]));
}

async function setDeps(
  settings: LintSettings,
  ctx: LintContext,
  skipHelm: string | undefined,
): Promise<SetDeps> {
  const readChart = cached(readChartValues);
  return {
    settings,
    helm: ctx.helm,
    limit: createLimiter(settings.concurrency),
    outputDir: ctx.outputDir,
    targets: targetsOf(settings, ctx.schemaDir),
    readValues: cached<string, ValuesFile>(readValuesFile),
    chartValues: () => readChart(settings.chartDir),
    validatorFor: await validators(settings, ctx.schemaDir),
    log: ctx.log ?? (() => {}),
    skipHelm,
  };
}

function setResult(outcome: SetOutcome, settings: LintSettings): SetResult {
  const rows = setRows(outcome, settings);
  const manifests: Record<string, string> = {};
  for (const { render } of outcome.helm?.targets ?? [])
    if (render.manifest) manifests[render.target.minor] = render.manifest;
  return {
    name: outcome.set.name,
    kind: outcome.set.kind,
    result: rows.some((r) => r.status === 'fail') ? 'fail' : 'pass',
    rows,
    manifests,
    timing: outcome.timing,
  };
}

interface ChartChecks {
  rows: CheckRow[];
  findings: Finding[];
}

function chartCheck(
  check: 'dependencies' | 'chart version',
  outcome: { findings: StageFinding[]; message: string } | undefined,
  log: (line: string) => void,
): ChartChecks {
  if (!outcome) return { rows: [], findings: [] };
  log(`${check}: ${outcome.message}`);
  const findings: Finding[] = outcome.findings.map((f) => ({ ...f, set: '' }));
  return { rows: [rowFrom('(chart)', check, findings, outcome.message)], findings };
}

async function chartVersion(settings: LintSettings, log: (line: string) => void) {
  const bump = settings.baseRef
    ? await versionBumpStage(settings.chartDir, settings.baseRef)
    : undefined;
  return chartCheck('chart version', bump, log);
}

export async function lintChart(settings: LintSettings, ctx: LintContext): Promise<LintReport> {
  const started = performance.now();
  // Before the sets: helm lint and template read the chart's charts/.
  const built = await dependenciesStage(ctx.helm, settings.chartDir);
  const dependencies = chartCheck('dependencies', built, ctx.log ?? (() => {}));
  const deps = await setDeps(
    settings,
    ctx,
    built?.missing ? "skipped: the chart's dependencies could not be fetched" : undefined,
  );
  mkdirSync(ctx.outputDir, { recursive: true });
  const [outcomes, chart] = await Promise.all([
    Promise.all(settings.sets.map((set) => lintSet(set, deps))),
    chartVersion(settings, deps.log),
  ]);
  const sets = outcomes.map((o) => setResult(o, settings));
  const chartRows = [...dependencies.rows, ...chart.rows];
  const findings = [
    ...dependencies.findings,
    ...chart.findings,
    ...outcomes.flatMap((o) => setFindings(o).map((f) => ({ ...f, set: o.set.name }))),
  ];
  const failed = [...sets.flatMap((s) => s.rows), ...chartRows].some((r) => r.status === 'fail');
  return {
    result: failed ? 'fail' : 'pass',
    sets,
    chartRows,
    findings,
    kubernetes: deps.targets.map((t) => ({
      minor: t.minor,
      version: t.version,
      source: t.data.source,
    })),
    outputDir: ctx.outputDir,
    durationMs: performance.now() - started,
  };
}
