// The one runner for a step as a GitHub action: inputs through core.getInput,
// secrets masked before anything can print them, the step's outputs, warnings
// and job summary, and its failure. Thrown errors (bad input, infrastructure)
// are turned into the failed step by runAction (runtime.ts).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { ownExitOnSignal } from '../../exec/signals.js';
import { registerSecret } from '../../secrets/redact.js';
import type { Step } from '../../step/step.js';
import * as out from './channels.js';

export interface ActionHooks<S, R> {
  /** Wraps the run: a GitHub deployment around deploy. */
  around?(settings: S, run: () => Promise<R>): Promise<R>;
  /** Outputs to set when the run throws (the error is still the step's failure). */
  outputsOnError?(error: unknown): Record<string, string>;
  /** Annotations of the result beyond the step's warnings (lint's findings). */
  annotate?(result: R, settings: S): void;
}

/**
 * The runner's temporary directory: RUNNER_TEMP (emptied with the job), or
 * the system's outside a runner. Steps make their own private directories in it.
 */
export function runnerTemp(): string {
  const dir = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(dir, { recursive: true });
  return dir;
}

function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) out.setOutput(name, value);
}

/** The action's main(): runs `step` the way the runner expects. */
export function actionStep<S, R>(step: Step<S, R>, hooks: ActionHooks<S, R> = {}) {
  return async (): Promise<void> => {
    if (step.ownsSignals) ownExitOnSignal();
    for (const name of step.secretInputs ?? []) {
      const value = core.getInput(name);
      if (value) registerSecret(value);
    }
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const { settings, secrets } = await step.parse((name) => core.getInput(name), { workspace });
    for (const secret of secrets) registerSecret(secret);
    const tempDir = runnerTemp();
    const ctx = { workspace, tempDir, keepDir: tempDir, log: out.info, publish: out.setOutput };
    const run = () => step.run(settings, ctx);
    let result: R;
    try {
      result = await (hooks.around ? hooks.around(settings, run) : run());
    } catch (error) {
      setOutputs(hooks.outputsOnError?.(error) ?? {});
      throw error;
    }
    setOutputs(step.outputs(result));
    for (const line of step.warnings?.(result) ?? []) out.warning(line);
    hooks.annotate?.(result, settings);
    const summary = step.summary?.(result, settings);
    if (summary !== undefined) await out.writeSummary(summary);
    if (!step.ok(result)) {
      throw new StepFailed((step.failure ?? step.detail)(result, settings));
    }
  };
}

/** The step ran and its result is a failure: no stack trace to show. */
export class StepFailed extends Error {}
