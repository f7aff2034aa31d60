// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then kills.
// A helm process killed mid-upgrade leaves its release pending, so the signal
// is forwarded to every live child and the child gets to finish its cleanup.
// A child that must not be cut short (helm rollback and uninstall, which do not
// handle signals and die leaving the release pending) is let finish instead.
// Either way no child outlives the cleanup budget: whatever still runs then is
// killed, so the program can record the state it leaves before the runner's kill.
import type { ChildProcess } from 'node:child_process';

/** Time from the first signal for the children running then to end (killed after it). */
export const CHILD_GRACE_MS = 4_000;
/** Time from the first signal for the whole cleanup: before the runner's SIGTERM at 7.5 s. */
export const CLEANUP_BUDGET_MS = 7_000;

/** `forward`: the child gets the signal; `finish`: it runs on until the cleanup budget ends. */
export type OnCancel = 'forward' | 'finish';

const children = new Map<ChildProcess, OnCancel>();
const listeners = new Set<(signal: NodeJS.Signals) => void>();
let received: NodeJS.Signals | undefined;
let firstAt: number | undefined;
let count = 0;
let installed = false;
let exitOwned = false;
let cleaning = false;

function exitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

function killAtDeadline(child: ChildProcess, startedBefore: boolean): void {
  // Children cut short by the signal end first, leaving the cleanup time to record what they left.
  const remaining = cleanupRemainingMs() - (startedBefore ? CLEANUP_BUDGET_MS - CHILD_GRACE_MS : 0);
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, remaining).unref();
}

function forward(signal: NodeJS.Signals): void {
  received = signal;
  count++;
  if (firstAt === undefined) {
    firstAt = Date.now();
    for (const child of children.keys()) killAtDeadline(child, true);
  }
  for (const [child, mode] of children) if (mode === 'forward') child.kill(signal);
  for (const listener of listeners) listener(signal);
  // With no child to wait for there is nothing to clean up: stop now, unless
  // the program has cleanup of its own to do (see ownExitOnSignal).
  if (!exitOwned) {
    if (children.size === 0) process.exit(exitCode(signal));
  } else if (count > 1) {
    // The runner's kill follows the second signal: leave through the exit
    // handlers (temporary files) while there is still time.
    setTimeout(() => process.exit(exitCode(signal)), 1_500).unref();
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
}

/**
 * For a program that owns resources outside its children (a cluster, a local
 * server, a release): a signal is recorded and forwarded, but the process does
 * not exit; the program sees cancellation(), cleans up and sets its own exit code.
 */
export function ownExitOnSignal(): void {
  exitOwned = true;
  install();
}

export function track(child: ChildProcess, mode: OnCancel = 'forward'): void {
  install();
  children.set(child, mode);
  child.once('close', () => children.delete(child));
  if (firstAt !== undefined) killAtDeadline(child, false);
}

/** The signal this process was asked to stop with, if any. */
export function cancellation(): NodeJS.Signals | undefined {
  return received;
}

/** How many signals arrived so far: a command compares it before and after. */
export function signalCount(): number {
  return count;
}

/** Milliseconds left of the cleanup budget (Infinity while not cancelled). */
export function cleanupRemainingMs(now = Date.now()): number {
  return firstAt === undefined ? Infinity : Math.max(0, firstAt + CLEANUP_BUDGET_MS - now);
}

/**
 * The program is putting things in order after a signal: from now on a
 * command fails as cancelled only when a further signal arrives while it runs
 * (or the budget ends), not for the signal that started the cleanup.
 */
export function beginCleanup(): void {
  cleaning = true;
}

export function cleaningUp(): boolean {
  return cleaning;
}

/** Waits `ms`, or less when a signal arrives or `wake` resolves. */
export function cancellableSleep(ms: number, wake?: Promise<void>): Promise<void> {
  if (received) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      listeners.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    listeners.add(done);
    void wake?.then(done);
  });
}
