// The one runner for a step as a CLI command: the action's inputs from flags
// (action-inputs.ts), secrets registered before anything can print them, and
// the step's outputs and verdict for the progress line and the exit code.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { InputReader } from '../inputs/parse.js';
import { registerSecret } from '../secrets/redact.js';
import type { Step } from '../step/step.js';
import type { InputSpec } from './action-inputs.js';
import type { Command, StepResult } from './command.js';

/** What the command prints beyond the outputs (lint's findings, or a JSON document). */
type Presenter<S, R> = (result: R, settings: S) => Pick<StepResult, 'report' | 'document'>;

export interface CommandOptions<S, R> {
  /** Flags of the command line only, next to the action's inputs. */
  flags?: InputSpec[];
  notes?: string;
  /** Reads the command-line-only flags (before the step runs) and returns how to print the result. */
  present?: (read: InputReader) => Presenter<S, R>;
  /** The directory, from the flags, whose files outlive the command (see StepContext.keepDir). */
  keepDir?: (read: InputReader) => string | undefined;
}

export function stepCommand<S, R>(step: Step<S, R>, o: CommandOptions<S, R> = {}): Command {
  return {
    name: step.action,
    action: step.action,
    flags: o.flags,
    notes: o.notes,
    async run(read, ctx) {
      const present = o.present?.(read);
      for (const name of step.secretInputs ?? []) {
        const value = read(name);
        if (value) registerSecret(value);
      }
      const { settings, secrets } = await step.parse(read, { workspace: ctx.cwd });
      for (const secret of secrets) registerSecret(secret);
      // ctx.tempDir is removed after the command: only a directory named on the command line stays.
      const given = o.keepDir?.(read);
      const keepDir = given ? path.resolve(ctx.cwd, given) : undefined;
      if (keepDir) mkdirSync(keepDir, { recursive: true });
      const result = await step.run(settings, {
        workspace: ctx.cwd,
        tempDir: ctx.tempDir,
        keepDir,
        log: ctx.log,
        publish: () => {},
      });
      return {
        ok: step.ok(result),
        detail: step.detail(result, settings),
        outputs: step.outputs(result),
        ...present?.(result, settings),
      };
    },
  };
}
