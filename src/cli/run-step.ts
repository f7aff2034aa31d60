// Runs one step as its action would: inputs with the action.yml defaults, a
// private temp dir (RUNNER_TEMP) removed afterwards, a progress phase around it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inputReader, loadActionSpec } from './action-inputs.js';
import { commandSpec, type Command, type StepResult } from './command.js';
import type { Progress } from './progress.js';

export interface StepOptions {
  progress: Progress;
  cwd: string;
  /** Phase name in the progress output (default: the command name). */
  label?: string;
  /** A failed step the caller expects (a broken version rolled back) is reported as 'rolled back'. */
  expectRollback?: boolean;
}

export async function runStep(
  command: Command,
  given: Record<string, string>,
  o: StepOptions,
): Promise<StepResult> {
  const spec = commandSpec(command, command.spec ?? loadActionSpec(command.action));
  const tempDir = mkdtempSync(path.join(tmpdir(), `hotswap-ci-${command.name}-`));
  try {
    const result = await o.progress.phase(
      o.label ?? command.name,
      (log) => command.run(inputReader(spec, given), { cwd: o.cwd, tempDir, log }),
      (r) => {
        if (o.expectRollback && r.outputs.status === 'rolled-back') {
          return { result: 'rolled back', detail: r.detail };
        }
        return { result: r.ok ? 'ok' : 'failed', detail: r.detail };
      },
    );
    if (result.report) o.progress.print(result.report);
    return result;
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}
