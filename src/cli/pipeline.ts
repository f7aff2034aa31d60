// hotswap-ci pipeline: what the deploy workflow does, in one command. Lint,
// deploy (which rolls back itself when the rollout fails), smoke-test, and
// when the smoke test fails, the rollback step. Every step's flags are
// accepted: `--name value` goes to every step that has an input `name`,
// `--<step>.<name> value` to that step only.
import { loadActionSpec, type ActionSpec } from './action-inputs.js';
import { parseFlags } from './args.js';
import type { StepResult } from './command.js';
import { findStep } from './commands/index.js';
import { UsageError } from './exit-codes.js';
import type { Progress } from './progress.js';
import { runStep } from './run-step.js';

export const PIPELINE_DESCRIPTION =
  'Lint, deploy, smoke-test, and roll back when the smoke test fails, as the deploy workflow does. ' +
  "Takes every step's flags: --<input> for every step that has it, --<step>.<input> for one step.";

export const PIPELINE_STEPS = ['lint', 'deploy', 'smoke-test', 'rollback'] as const;

export function pipelineSpecs(): ActionSpec[] {
  return PIPELINE_STEPS.map((name) => loadActionSpec(findStep(name)!.action));
}

export function pipelineFlagNames(specs: ActionSpec[]): string[] {
  const names = new Set<string>();
  for (const spec of specs) {
    for (const input of spec.inputs) {
      names.add(input.name);
      names.add(`${spec.name}.${input.name}`);
    }
  }
  return [...names];
}

/** Each step's inputs: shared flags first, scoped flags over them. */
export function splitFlags(
  specs: ActionSpec[],
  values: Record<string, string>,
): Map<string, Record<string, string>> {
  const perStep = new Map<string, Record<string, string>>();
  for (const spec of specs) {
    const own: Record<string, string> = {};
    for (const input of spec.inputs) {
      const scoped = values[`${spec.name}.${input.name}`];
      const shared = values[input.name];
      if (scoped !== undefined) own[input.name] = scoped;
      else if (shared !== undefined) own[input.name] = shared;
    }
    perStep.set(spec.name, own);
  }
  return perStep;
}

export interface PipelineOutcome {
  ok: boolean;
  steps: Record<string, StepResult>;
}

/** `steps` is filled as the steps end, so a caller still has them when a step throws. */
export async function runPipeline(
  argv: string[],
  progress: Progress,
  cwd: string,
  steps: Record<string, StepResult> = {},
): Promise<PipelineOutcome> {
  const specs = pipelineSpecs();
  const { values, positionals } = parseFlags(argv, pipelineFlagNames(specs));
  if (positionals.length)
    throw new UsageError(`unexpected argument '${positionals[0]}' (see --help)`);
  const inputs = splitFlags(specs, values);
  const step = async (name: string) => {
    const result = await runStep(findStep(name)!, inputs.get(name) ?? {}, { progress, cwd });
    steps[name] = result;
    return result;
  };

  if (!(await step('lint')).ok) return { ok: false, steps };
  // A failed rollout is rolled back by the deploy step itself.
  if (!(await step('deploy')).ok) return { ok: false, steps };
  if ((await step('smoke-test')).ok) return { ok: true, steps };
  await step('rollback');
  return { ok: false, steps };
}
