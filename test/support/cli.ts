// Runs hotswap-ci the way a script does: the bin shim as a process, with a
// working directory (the workspace) and environment of the caller's choosing.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './run-action.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** `hotswap-ci <command> --<flag> <value>...` for the given inputs. */
export function cliArgs(command: string, inputs: Record<string, string>): string[] {
  // --flag=value: a value may start with '--' (a helm flag given as `set`).
  return [command, ...Object.entries(inputs).map(([k, v]) => `--${k}=${v}`)];
}

export function runCli(
  args: string[],
  o: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'hotswap-ci.mjs'), ...args],
      {
        cwd: o.cwd ?? REPO_ROOT,
        env: { ...process.env, ...o.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}
