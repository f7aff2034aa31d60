// One values set through the stages: values files (syntax, then misspelt
// keys against the chart's values) -> helm lint (newest target) and,
// concurrently, helm template per target -> schema of each rendered target
// as soon as it is there -> policy over what rendered.
// Returns what each stage found; rows.ts turns that into the report.
//
// The helm processes start first: parsing the values files with positions
// (for the findings' lines) takes the main thread 100-200 ms, which helm
// spends rendering meanwhile. When a values file does not parse, what helm
// returns is dropped and the set reports the values finding alone.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Helm } from '../helm/helm.js';
import type { LintResult, TemplateResult } from '../helm/render.js';
import type { ChartValues } from './chart-values.js';
import type { Limiter } from './limiter.js';
import { Locator } from './locate.js';
import type { ValuesSet } from './plan.js';
import type { Level, RuleLevels } from './policy-config.js';
import type { LintSettings } from './settings.js';
import type { HelmRun, SetRun, StageFinding, Target } from './stages/context.js';
import { helmTemplateDebug } from '../helm/render.js';
import { renderRequest } from './stages/context.js';
import { helmLintStage, startHelmLint, withoutUnrenderedDeprecations } from './stages/helm-lint.js';
import { placeYamlErrors } from './stages/yaml-errors.js';
import { policyLevels, policyStage } from './stages/policy.js';
import { renderStage, startRender, type RenderOutcome } from './stages/render.js';
import { schemaStage, type SchemaStageOutcome } from './stages/schema.js';
import { misspeltKeyStage, valuesStage } from './stages/values.js';
import { emptyTiming, timed, timedLimiter, type SetTiming } from './timing.js';
import type { ValidatorFor } from './validators.js';
import type { ValuesFile } from './values-files.js';

/** What the whole run shares between its sets. */
export interface SetDeps {
  settings: LintSettings;
  helm: Helm;
  limit: Limiter;
  outputDir: string;
  /** Newest first: helm lint runs against the first. */
  targets: readonly Target[];
  /** Parsed values files, shared: the chart's values.yaml is in every set. */
  readValues: (file: string) => ValuesFile;
  /** The chart's values with its subcharts', read once; undefined when they do not parse. */
  chartValues: () => ChartValues | undefined;
  /** The validator of a target, with the CRDs among the set's rendered objects. */
  validatorFor: ValidatorFor;
  log: (line: string) => void;
  /** Why no set runs helm, when the whole chart cannot be rendered (a row's details). */
  skipHelm?: string;
}

export interface TargetOutcome {
  render: RenderOutcome;
  /** Absent when helm template failed. */
  schema?: SchemaStageOutcome;
}

export interface HelmOutcome {
  lintTarget: Target;
  lint: StageFinding[];
  /** In the order of the targets; none for a library chart. */
  targets: TargetOutcome[];
  levels: RuleLevels;
  policy: StageFinding[];
}

export interface SetOutcome {
  set: ValuesSet;
  /** The set's values files, the chart's values.yaml first when it has one. */
  valuesFiles: string[];
  values: StageFinding[];
  /** How the keys of the set's files were judged (`keys checked against the chart's values`). */
  keysNote?: string;
  /** Absent when a values file does not parse, or `skipHelm`: then no helm runs. */
  helm?: HelmOutcome;
  /** Why helm did not run, when it did not (a row's details). */
  helmSkipped?: string;
  timing: SetTiming;
}

function valuesFilesOf(set: ValuesSet, deps: SetDeps): ValuesFile[] {
  const chartValues = path.join(deps.settings.chartDir, 'values.yaml');
  return [chartValues, ...set.files].filter((f, i) => i > 0 || existsSync(f)).map(deps.readValues);
}

interface StartedHelm {
  lint: Promise<LintResult>;
  /** In the order of the targets. */
  templates: Promise<TemplateResult>[];
}

function startHelm(run: HelmRun, deps: SetDeps, timing: SetTiming): StartedHelm {
  const lintRun = { ...run, limit: timedLimiter(run.limit, timing, 'helmLint') };
  const templateRun = { ...run, limit: timedLimiter(run.limit, timing, 'helmTemplate') };
  const started = {
    lint: startHelmLint(lintRun, deps.targets[0]!),
    // A library chart renders nothing: helm template refuses it.
    templates: deps.settings.library
      ? []
      : deps.targets.map((target) => startRender(templateRun, target)),
  };
  // Dropped when a values file does not parse: a failure then is no one's to report.
  for (const p of [started.lint, ...started.templates]) p.catch(() => {});
  return started;
}

async function runHelmStages(
  run: SetRun,
  deps: SetDeps,
  started: StartedHelm,
  timing: SetTiming,
): Promise<HelmOutcome> {
  const lintTarget = deps.targets[0]!;
  const debugOutputs = new Map<string, Promise<string>>();
  // `helm template --debug` of a target, once, only for a set whose YAML does not parse.
  const debugOutput = (target: Target) => () => {
    if (!debugOutputs.has(target.minor))
      debugOutputs.set(
        target.minor,
        run.limit(() => helmTemplateDebug(run.helm, renderRequest(run, target))).catch(() => ''),
      );
    return debugOutputs.get(target.minor)!;
  };
  const targets = started.templates.map((template, i) =>
    template.then(async (result): Promise<TargetOutcome> => {
      const target = deps.targets[i]!;
      const render = timed(timing, 'render', () => renderStage(run, target, result));
      if (!render.ok) {
        const findings = await placeYamlErrors(render.findings, run.locator, debugOutput(target));
        return { render: { ...render, findings } };
      }
      const validator = await deps.validatorFor(target, render.objects);
      return {
        render,
        schema: timed(timing, 'schema', () =>
          schemaStage(validator, render.objects, run.locator, target),
        ),
      };
    }),
  );
  const lint = helmLintStage(run, started.lint).then(async (found) => {
    const placed = await placeYamlErrors(found, run.locator, debugOutput(lintTarget));
    // What helm template rendered for the same target, told the API versions helm lint is not.
    const newest = (await targets[0])?.render;
    const findings = withoutUnrenderedDeprecations(placed, newest?.ok ? newest.objects : undefined);
    deps.log(
      `${run.set.name}: helm lint ${findings.length ? `${findings.length} finding(s)` : 'ok'}`,
    );
    return findings;
  });
  const [lintFindings, rendered] = await Promise.all([lint, Promise.all(targets)]);
  const levels = policyLevels(deps.settings, run.set);
  const seen = new Set<string>();
  const policy = timed(timing, 'policy', () =>
    rendered.flatMap((t) => policyStage(t.render.objects, levels, run.locator, seen)),
  );
  return { lintTarget, lint: lintFindings, targets: rendered, levels, policy };
}

function keysNote(level: Level, chart: ChartValues | undefined): string {
  if (level === 'off') return 'misspelt-key off';
  if (!chart) return "keys not checked: the chart's values do not parse";
  return chart.schemas.some((s) => !s.at.length)
    ? "keys checked against the chart's values where values.schema.json takes any"
    : "keys checked against the chart's values";
}

export async function lintSet(set: ValuesSet, deps: SetDeps): Promise<SetOutcome> {
  const helmRun: HelmRun = { set, settings: deps.settings, helm: deps.helm, limit: deps.limit };
  const timing = emptyTiming();
  const started = deps.skipHelm ? undefined : startHelm(helmRun, deps, timing);
  const files = timed(timing, 'values', () => valuesFilesOf(set, deps));
  const syntax = valuesStage(files);
  const outcome: SetOutcome = {
    set,
    valuesFiles: files.map((f) => f.file),
    values: syntax,
    timing,
  };
  if (syntax.length) return { ...outcome, helmSkipped: 'skipped: a values file does not parse' };
  const own = files.filter((f) => set.files.includes(f.file));
  const level = policyLevels(deps.settings, set)['misspelt-key'];
  const chart = timed(timing, 'values', () => deps.chartValues());
  outcome.values = timed(timing, 'values', () => misspeltKeyStage(own, chart, level));
  outcome.keysNote = keysNote(level, chart);
  if (!started) return { ...outcome, helmSkipped: deps.skipHelm };
  const run: SetRun = {
    ...helmRun,
    locator: new Locator(deps.settings.chartDir, files),
    outputDir: deps.outputDir,
  };
  return { ...outcome, helm: await runHelmStages(run, deps, started, timing) };
}

/** Every finding of the set in stage order, named with the set. */
export function setFindings(outcome: SetOutcome): StageFinding[] {
  const helm = outcome.helm;
  if (!helm) return outcome.values;
  return [
    ...outcome.values,
    ...helm.lint,
    ...helm.targets.flatMap((t) => t.render.findings),
    ...helm.targets.flatMap((t) => t.schema?.findings ?? []),
    ...helm.policy,
  ];
}
