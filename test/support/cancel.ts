// Cancelling a step the way the GitHub runner does, and what must hold after:
// SIGINT, then SIGTERM 7.5 s later, then a kill (2.5 s after that), each sent
// only while the step still runs; no process of the step left; no secret
// values file left under RUNNER_TEMP.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../../src/exec/command.js';

export const RUNNER_SIGTERM_AFTER_MS = 7_500;
export const RUNNER_KILL_AFTER_MS = 2_500;

export interface Cancellation {
  /** Signals sent, with the time since SIGINT. */
  sent: { signal: NodeJS.Signals; atMs: number }[];
  /** Time from SIGINT until the process exited. */
  exitedAfterMs: number;
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Sends the runner's cancellation sequence to `child`; resolves once it has exited. */
export async function cancelLikeRunner(child: ChildProcess): Promise<Cancellation> {
  const start = Date.now();
  const sent: Cancellation['sent'] = [];
  const exited = new Promise<void>((resolve) => {
    if (!alive(child)) resolve();
    child.once('exit', () => resolve());
  });
  const send = (signal: NodeJS.Signals) => {
    if (!alive(child)) return;
    sent.push({ signal, atMs: Date.now() - start });
    child.kill(signal);
  };
  send('SIGINT');
  const term = setTimeout(() => send('SIGTERM'), RUNNER_SIGTERM_AFTER_MS);
  const kill = setTimeout(() => send('SIGKILL'), RUNNER_SIGTERM_AFTER_MS + RUNNER_KILL_AFTER_MS);
  await exited;
  clearTimeout(term);
  clearTimeout(kill);
  return { sent, exitedAfterMs: Date.now() - start };
}

/** Resolves when the child's stdout has printed a line matching `pattern`. */
export function outputMatches(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 120_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.stdout?.off('data', onData);
      reject(new Error(`no output matched ${pattern} within ${timeoutMs} ms:\n${seen}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
  });
}

/** Command lines of live processes that mention `marker` (a namespace unique to the test). */
export async function processesMentioning(marker: string): Promise<string[]> {
  const { stdout } = await runCommand('ps', ['-eo', 'pid=,args=']);
  return stdout.split('\n').filter((line) => line.includes(marker) && !/\bps -eo\b/.test(line));
}

/** Secret values files (hotswap-secrets-*) left anywhere under a runner directory's temp. */
export function secretFilesLeft(runnerDir: string): string[] {
  const temp = path.join(runnerDir, 'temp');
  if (!existsSync(temp)) return [];
  return readdirSync(temp, { recursive: true, encoding: 'utf8' }).filter((p) =>
    p.split(path.sep).some((part) => part.startsWith('hotswap-secrets-')),
  );
}
