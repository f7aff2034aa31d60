// What every subcommand is: an action's inputs in, the action's outputs out.
import type { ActionSpec, InputReader } from './action-inputs.js';

export interface CommandContext {
  /** The workspace: file inputs resolve against it (GITHUB_WORKSPACE for the actions). */
  cwd: string;
  /** A private (0700) directory removed after the command (RUNNER_TEMP for the actions). */
  tempDir: string;
  log: (line: string) => void;
}

export interface StepResult {
  /** Whether the step succeeded, as the action would decide (a failed action exits 1). */
  ok: boolean;
  /** The action's outputs, by their action.yml names. */
  outputs: Record<string, string>;
  /** One line on what happened. */
  detail: string;
}

export interface Command {
  name: string;
  /** actions/<action>/action.yml holds the flags. */
  action: string;
  /** Flags of a command that is no action (teardown), instead of action.yml's. */
  spec?: ActionSpec;
  /** Paragraph for --help on what the command does outside a runner. */
  notes?: string;
  run(read: InputReader, ctx: CommandContext): Promise<StepResult>;
}
