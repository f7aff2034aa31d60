// Keeps a cancelled job from leaving half-written files behind. The runner
// cancels with SIGINT, then SIGTERM, then kills. While a download or a
// tool-cache write is in flight, those signals end the process at once, and an
// `exit` hook removes the paths registered for the duration of the work: the
// temporary download and a tool-cache entry that was not completed.
import { existsSync, rmSync } from 'node:fs';

interface Guard {
  path: string;
  /** Remove only if this marker is absent (a tool-cache entry's `.complete`). */
  unlessExists?: string;
}

const guards = new Set<Guard>();
let active = 0;
let hooked = false;

function removeGuarded(): void {
  for (const guard of guards) {
    if (guard.unlessExists && existsSync(guard.unlessExists)) continue;
    rmSync(guard.path, { recursive: true, force: true });
  }
}

function stop(signal: NodeJS.Signals): void {
  // Exit code as a shell reports a signal death; the `exit` hook cleans up.
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/**
 * Runs `work` with `paths` removed if the process is interrupted (or exits)
 * before `work` settles. Signal handlers are installed only while some work
 * is in flight, so a later child process (kind, kwokctl) gets the runner's
 * signals through src/exec/signals.ts as usual.
 */
export async function removedIfInterrupted<T>(
  paths: readonly Guard[],
  work: () => Promise<T>,
): Promise<T> {
  if (!hooked) {
    hooked = true;
    process.on('exit', removeGuarded);
  }
  const mine = paths.map((p) => ({ ...p }));
  for (const g of mine) guards.add(g);
  if (active++ === 0) {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
  try {
    return await work();
  } finally {
    for (const g of mine) guards.delete(g);
    if (--active === 0) {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }
}
