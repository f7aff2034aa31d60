// hotswap-ci: argv in, exit code out. Each subcommand runs the domain module
// of the action of the same name with the flags as its inputs.
import { cancellation } from '../exec/signals.js';
import { redact } from '../secrets/redact.js';
import { loadActionSpec } from './action-inputs.js';
import { commandSpec, type StepResult } from './command.js';
import { parseFlags } from './args.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { EXIT, exitCodeFor, UsageError, type ExitCode } from './exit-codes.js';
import { commandHelp, flagLines, mainHelp } from './help.js';
import { PIPELINE_DESCRIPTION, pipelineSpecs, runPipeline } from './pipeline.js';
import { createProgress, renderTable } from './progress.js';
import { runStep } from './run-step.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

function printOutputs(io: CliIo, outputs: Record<string, string>, prefix = ''): void {
  for (const [name, value] of Object.entries(outputs)) {
    io.stdout(`${prefix}${name}=${value.replace(/\n/g, '\\n')}\n`);
  }
}

export async function cli(argv: string[], given: CliIo = defaultIo): Promise<ExitCode> {
  // Everything the CLI prints (progress, outputs, errors) passes redact() here, once.
  const io: CliIo = {
    ...given,
    stdout: (text) => given.stdout(redact(text)),
    stderr: (text) => given.stderr(redact(text)),
  };
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' ? rest[0] : undefined;
      if (topic) return cli([topic, '--help'], io);
      io.stdout(mainHelp());
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === 'pipeline') {
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout(pipelineHelp());
        return EXIT.ok;
      }
      const progress = createProgress(io.stderr);
      const steps: Record<string, StepResult> = {};
      try {
        const outcome = await runPipeline(rest, progress, io.cwd, steps);
        return outcome.ok ? EXIT.ok : failedOrInterrupted();
      } finally {
        for (const [step, result] of Object.entries(steps)) {
          printOutputs(io, result.outputs, `${step}.`);
        }
        if (progress.records.length) io.stderr(`\n${renderTable(progress.records)}`);
      }
    }
    const command = findCommand(name);
    if (!command)
      throw new UsageError(
        `unknown command '${name}' (commands: ${[...COMMANDS.map((c) => c.name), 'pipeline'].join(', ')})`,
      );
    const spec = command.spec ?? loadActionSpec(command.action);
    const { values, help, positionals } = parseFlags(
      rest,
      commandSpec(command, spec).inputs.map((i) => i.name),
    );
    if (help) {
      io.stdout(commandHelp(spec, undefined, command.notes, command.flags));
      return EXIT.ok;
    }
    if (positionals.length)
      throw new UsageError(`unexpected argument '${positionals[0]}' (see --help)`);
    const result = await runStep(command, values, {
      progress: createProgress(io.stderr),
      cwd: io.cwd,
    });
    if (result.document !== undefined) io.stdout(`${JSON.stringify(result.document, null, 2)}\n`);
    else printOutputs(io, result.outputs);
    return result.ok ? EXIT.ok : failedOrInterrupted();
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(
      `hotswap-ci${name ? ` ${name}` : ''}: ${code === EXIT.interrupted ? 'interrupted' : 'error'}: ${message}\n`,
    );
    return code;
  }
}

/** A step that ended with a failed result because of Ctrl-C was interrupted. */
function failedOrInterrupted(): ExitCode {
  return cancellation() ? EXIT.interrupted : EXIT.failed;
}

function pipelineHelp(): string {
  const specs = pipelineSpecs();
  return [
    'Usage: hotswap-ci pipeline [--flag value ...] [--<step>.<flag> value ...]',
    '',
    PIPELINE_DESCRIPTION,
    '',
    ...specs.flatMap((spec) => [`Flags of ${spec.name}:`, ...flagLines(spec), '']),
    'Exit codes: 0 ok, 1 failed, 2 bad usage or input (also a namespace, kube-context, release or revision the cluster does not have), 130 interrupted.',
    '',
  ].join('\n');
}
