// Temporary directories a test file needs until it ends: removed when its
// worker process exits, so a run does not leave tool downloads and runner
// homes (hundreds of MB each) behind in the system's temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];
let registered = false;

export function tempDir(prefix: string): string {
  if (!registered) {
    registered = true;
    process.once('exit', () => {
      if (process.env.HOTSWAP_KEEP_TEMP) return;
      for (const dir of made) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
