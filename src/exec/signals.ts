// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then kills.
// A helm process killed mid-upgrade leaves its release pending, so the signal
// is forwarded to every live child and the child gets to finish its cleanup.
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let received: NodeJS.Signals | undefined;
let installed = false;
let exitOwned = false;

function forward(signal: NodeJS.Signals): void {
  received = signal;
  for (const child of children) child.kill(signal);
  // With no child to wait for there is nothing to clean up: stop now, unless
  // the program has cleanup of its own to do (see ownExitOnSignal).
  if (children.size === 0 && !exitOwned) process.exit(signal === 'SIGINT' ? 130 : 143);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
}

/**
 * For a program that owns resources outside its children (a cluster, a local
 * server): a signal is recorded and forwarded, but the process does not exit;
 * the program sees cancellation(), cleans up and sets its own exit code.
 */
export function ownExitOnSignal(): void {
  exitOwned = true;
  install();
}

export function track(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('close', () => children.delete(child));
}

/** The signal this process was asked to stop with, if any. */
export function cancellation(): NodeJS.Signals | undefined {
  return received;
}
