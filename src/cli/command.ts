// What every subcommand is: an action's inputs in, the action's outputs out.
import type { InputReader } from '../inputs/parse.js';
import type { ActionSpec, InputSpec } from './action-inputs.js';

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
  /** What the user needs to read (lint findings): printed on stderr after the step's line. */
  report?: string;
  /** Printed as JSON on stdout instead of the name=value outputs (`--format json`). */
  document?: unknown;
}

export interface Command {
  name: string;
  /** actions/<action>/action.yml holds the flags. */
  action: string;
  /** Flags of a command that is no action (teardown), instead of action.yml's. */
  spec?: ActionSpec;
  /** Paragraph for --help on what the command does outside a runner. */
  notes?: string;
  /** Flags of the command line only (how to print), next to the action's inputs. */
  flags?: InputSpec[];
  run(read: InputReader, ctx: CommandContext): Promise<StepResult>;
}

/** The action's inputs and the command-line-only flags: everything --help lists and the parser takes. */
export function commandSpec(command: Command, spec: ActionSpec): ActionSpec {
  return command.flags ? { ...spec, inputs: [...spec.inputs, ...command.flags] } : spec;
}
