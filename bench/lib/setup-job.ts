// A job's runner directory after actions/setup, as the workflows run it:
// helm and kubectl installed from the loopback mirror, on PATH, and helm's
// version recorded under RUNNER_TEMP for the job's later steps.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMirror } from '../../tools/mirror-server.js';
import { PINNED } from '../../src/tools/pinned.js';
import { runAction } from '../../test/support/run-action.js';
import { MIRROR_ROOT, mirrorInputs } from '../../test/support/setup-mirror.js';

export interface Job {
  runnerDir: string;
  /** PATH with the tools setup installed first. */
  path: string;
  /** The installed helm, which the plain peer runs too. */
  helm: string;
}

export async function setupJob(name: string): Promise<Job> {
  const mirror = await startMirror(MIRROR_ROOT);
  try {
    const runnerDir = mkdtempSync(path.join(tmpdir(), `bench-${name}-job-`));
    const run = await runAction('setup', {
      inputs: { ...mirrorInputs(mirror.url), 'helm-version': PINNED.helm4, token: '' },
      runnerDir,
    });
    if (run.code !== 0) throw new Error(`setup failed:\n${run.stdout}\n${run.stderr}`);
    return {
      runnerDir,
      path: `${run.addedPath.join(':')}:${process.env.PATH}`,
      helm: run.outputs['helm-path']!,
    };
  } finally {
    await mirror.close();
  }
}
