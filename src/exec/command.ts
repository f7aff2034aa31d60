// One function through which every external CLI (helm, kubectl, kind, curl,
// kwokctl) is run: arguments as an array (never a shell), output captured and
// redacted, exit codes decided here, signals forwarded to the child.
import { spawn } from 'node:child_process';
import { redact } from '../secrets/redact.js';
import {
  cancellation,
  cleaningUp,
  cleanupRemainingMs,
  signalCount,
  track,
  type OnCancel,
} from './signals.js';

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin. */
  input?: string;
  timeoutMs?: number;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /**
   * Return stdout/stderr unredacted, for machine-readable output (JSON, manifests)
   * that a masked secret would corrupt. The caller must redact before showing any
   * of it; error messages and onLine stay redacted.
   */
  rawOutput?: boolean;
  /** Each line of output as it arrives, already redacted. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Stops a long-running child (kubectl port-forward) with SIGTERM when aborted.
   * The caller asked for the stop, so the result is returned rather than thrown.
   */
  signal?: AbortSignal;
  /**
   * `finish`: a cancellation does not reach this child, which runs on until the
   * cleanup budget ends (helm rollback and uninstall die at once on a signal,
   * leaving the release pending). Default `forward`.
   */
  onCancel?: OnCancel;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: CommandResult,
  ) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-20).join('\n');
    super(`${command} failed with exit code ${result.code}${detail ? `: ${detail}` : ''}`);
    this.name = 'CommandError';
  }
}

export class CancelledError extends Error {
  constructor(command: string, signal: string) {
    super(`${command} stopped: the run was cancelled (${signal})`);
    this.name = 'CancelledError';
  }
}

/**
 * The environment a child gets: ours, less what is meant for this process
 * only. The runner hands every action input to the action as INPUT_<NAME>
 * (INPUT_SECRET-VALUES, INPUT_SECRET-HEADERS...), and its own credentials as
 * ACTIONS_*_TOKEN; helm, kubectl and curl need none of them, and a child's
 * environment is readable by its own children and in /proc.
 */
export function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !/^INPUT_|^ACTIONS_\w*TOKEN$/i.test(name)),
  );
}

export async function runCommand(
  file: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  // Program and subcommand (`helm upgrade`, `kubectl get`) name the command in errors.
  const name = redact(`${file.split('/').pop()} ${args[0] ?? ''}`.trim());
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: childEnvironment(options.env ?? process.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const signalsAtStart = signalCount();
  track(child, options.onCancel);
  const out = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream].on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      out[stream] += text;
      if (!options.onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine(redact(line), stream);
    });
  }
  child.stdin.on('error', () => {}); // a child that exits before reading its stdin
  child.stdin.end(options.input ?? '');

  let stopped = false;
  const stop = () => {
    stopped = true;
    child.kill('SIGTERM');
  };
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener('abort', stop, { once: true });

  let timedOut = false;
  // A command run while cleaning up after a signal gets what is left of the budget.
  const timeoutMs = Math.min(options.timeoutMs ?? Infinity, cleanupRemainingMs());
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
      }, timeoutMs)
    : undefined;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
      // A grandchild that inherited the pipes can hold them open after the
      // child exits: give the output a moment to drain, then stop waiting.
      child.once('exit', (c, s) =>
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          resolve([c, s]);
        }, 2000).unref(),
      );
    },
  ).finally(() => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
  });

  const result: CommandResult = {
    code: code ?? 128,
    stdout: redact(out.stdout),
    stderr: redact(out.stderr),
  };
  const stoppedBy = cancellation();
  if (stoppedBy && cancelledHere(signalsAtStart, signal, timedOut, options.onCancel)) {
    throw new CancelledError(name, stoppedBy);
  }
  if (stopped) return result;
  if (timedOut) throw new CommandError(`${name} (timed out after ${timeoutMs} ms)`, result);
  if (signal) throw new CommandError(`${name} (killed by ${signal})`, result);
  if (result.code !== 0 && !options.allowFailure) throw new CommandError(name, result);
  return options.rawOutput ? { ...result, stdout: out.stdout, stderr: out.stderr } : result;
}

/**
 * Whether a cancellation ends this command's part in the run. Outside cleanup,
 * any signal does. During cleanup, only a signal that arrived while it ran and
 * reached it, or the end of the budget (killed or timed out): the signal that
 * started the cleanup does not stop the cleanup's own commands.
 */
function cancelledHere(
  signalsAtStart: number,
  killedBy: NodeJS.Signals | null,
  timedOut: boolean,
  onCancel: OnCancel = 'forward',
): boolean {
  if (!cleaningUp()) return true;
  if (killedBy === 'SIGKILL' || timedOut) return true;
  return onCancel === 'forward' && signalCount() > signalsAtStart;
}
