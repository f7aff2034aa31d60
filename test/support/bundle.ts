// Builds an action's bundle for the tests that run it, once per change:
// test files run in parallel workers, and two builds writing the same
// dist/ at once would hand one of them a half-written bundle.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './run-action.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function isFresh(name: string): boolean {
  try {
    const built = statSync(path.join(REPO_ROOT, 'actions', name, 'dist', 'index.js')).mtimeMs;
    return (
      built > newestMtime(path.join(REPO_ROOT, 'src')) &&
      built > statSync(path.join(REPO_ROOT, 'package-lock.json')).mtimeMs
    );
  } catch {
    return false;
  }
}

/** Rebuilds actions/<name>/dist unless it is newer than every source file; one build at a time. */
export async function ensureBundle(name: string): Promise<void> {
  const lock = path.join(tmpdir(), `hotswap-bundle-${path.basename(REPO_ROOT)}-${name}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker is building; a lock older than the deadline is left over from a crash.
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isFresh(name))
      execFileSync('node', ['scripts/build.mjs', name], { cwd: REPO_ROOT, stdio: 'inherit' });
  } finally {
    try {
      rmdirSync(lock);
    } catch {
      // already gone
    }
  }
}
