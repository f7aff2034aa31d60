// src/step: what every step (an action, and the same step as a CLI command)
// is to the two runners that drive it. A domain exports one Step: parse its
// inputs into settings and the secrets found in them, run, and say what the
// outputs are and whether it succeeded. The action runner
// (src/actions/kit/step-runner.ts) and the CLI runner (src/cli/step-command.ts)
// do the rest once: reading inputs, masking secrets, outputs, summary, exit.
import type { ActionName } from '../inputs/defaults.js';
import type { InputReader } from '../inputs/parse.js';

export interface ParseContext {
  /** The workspace: file inputs resolve against it (GITHUB_WORKSPACE, or the CLI's cwd). */
  workspace: string;
}

export interface StepContext extends ParseContext {
  /**
   * A private directory for files of this run only (secret values, curl
   * configs): RUNNER_TEMP on a runner, removed after the command by the CLI.
   */
  tempDir: string;
  /**
   * A directory whose files outlive the step (lint's manifests-dir output);
   * unset, such files go into tempDir and no output points at them.
   */
  keepDir?: string;
  log: (line: string) => void;
  /** Sets an output before the step ends (a run cut short still leaves it); the CLI ignores it. */
  publish: (name: string, value: string) => void;
}

export interface Parsed<S> {
  settings: S;
  /** Secret values found in the inputs (values leaves, passwords, header values): masked before run. */
  secrets: string[];
}

export interface Step<S, R> {
  /** actions/<action>/action.yml declares its inputs and outputs. */
  action: ActionName;
  /** Inputs that are secrets as they are given: masked before anything is parsed. */
  secretInputs?: readonly string[];
  /** A signal must not end the process before the step settles what it started. */
  ownsSignals?: boolean;
  parse(read: InputReader, ctx: ParseContext): Parsed<S> | Promise<Parsed<S>>;
  run(settings: S, ctx: StepContext): Promise<R>;
  outputs(result: R): Record<string, string>;
  ok(result: R): boolean;
  /** One line on what happened: the CLI's progress line. */
  detail(result: R, settings: S): string;
  /** Why the step failed, for the action's failure (defaults to detail). */
  failure?(result: R, settings: S): string;
  /** Lines the action shows as warnings (annotations). */
  warnings?(result: R): string[];
  /** The action's job summary (Markdown). */
  summary?(result: R, settings: S): string;
}
