// `helm version` is a whole helm start (about 50 ms of CPU) in every step
// that runs helm, and its answer belongs to the binary, not to the step. The
// first step of a job that learns it (setup, from the release it verified
// and installed; otherwise the first `helm version`) records it under
// RUNNER_TEMP, which the runner empties with the job; later steps read it.
// A record counts only for the same file, unchanged: same real path, device,
// inode, size and modification time. Outside a runner nothing is recorded.
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

interface VersionRecord {
  path: string;
  file: string;
  version: string;
}

/** What identifies one unchanged file; undefined when `bin` cannot be read. */
function fileIdentity(bin: string): { path: string; file: string } | undefined {
  try {
    const real = realpathSync(bin);
    const s = statSync(real, { bigint: true });
    return { path: real, file: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}` };
  } catch {
    return undefined;
  }
}

function recordFile(realPath: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!env.RUNNER_TEMP) return undefined;
  const key = createHash('sha256').update(realPath).digest('hex').slice(0, 32);
  return path.join(env.RUNNER_TEMP, 'hotswap-helm-versions', `${key}.json`);
}

/** The recorded version of `bin`, when this job already learnt it for this very file. */
export function recordedHelmVersion(
  bin: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const id = fileIdentity(bin);
  const file = id && recordFile(id.path, env);
  if (!id || !file) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as VersionRecord;
    return record.path === id.path && record.file === id.file ? record.version : undefined;
  } catch {
    return undefined;
  }
}

/** Records `version` for `bin` as it is now; a step that cannot write it just does not. */
export function recordHelmVersion(
  bin: string,
  version: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const id = fileIdentity(bin);
  const file = id && recordFile(id.path, env);
  if (!id || !file) return;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written aside and renamed: a concurrent step reads the old record or the new one.
    const staged = `${file}.${process.pid}`;
    writeFileSync(staged, JSON.stringify({ ...id, version } satisfies VersionRecord));
    renameSync(staged, file);
  } catch {
    // The record only saves time.
  }
}

/** `bin`'s version: recorded, or asked of helm with `ask` and then recorded. */
export async function helmVersionOf(bin: string, ask: () => Promise<string>): Promise<string> {
  const known = recordedHelmVersion(bin);
  if (known) return known;
  const version = await ask();
  recordHelmVersion(bin, version);
  return version;
}
