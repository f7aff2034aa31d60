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

interface Located {
  /** The file's real path and `dev:ino:size:mtimeNs`. */
  id: { path: string; file: string };
  /** The record's own path under RUNNER_TEMP. */
  file: string;
}

/** Where `bin`'s record lives and what identifies the file it is about; undefined outside a runner or when `bin` cannot be read. */
function locate(bin: string, env: NodeJS.ProcessEnv): Located | undefined {
  if (!env.RUNNER_TEMP) return undefined;
  try {
    const real = realpathSync(bin);
    const s = statSync(real, { bigint: true });
    const key = createHash('sha256').update(real).digest('hex').slice(0, 32);
    return {
      id: { path: real, file: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}` },
      file: path.join(env.RUNNER_TEMP, 'hotswap-helm-versions', `${key}.json`),
    };
  } catch {
    return undefined;
  }
}

function read(at: Located | undefined): string | undefined {
  if (!at) return undefined;
  try {
    const record = JSON.parse(readFileSync(at.file, 'utf8')) as VersionRecord;
    return record.path === at.id.path && record.file === at.id.file ? record.version : undefined;
  } catch {
    return undefined;
  }
}

function write(at: Located | undefined, version: string): void {
  if (!at) return;
  try {
    mkdirSync(path.dirname(at.file), { recursive: true, mode: 0o700 });
    // Written aside and renamed: a concurrent step reads the old record or the new one.
    const staged = `${at.file}.${process.pid}`;
    writeFileSync(staged, JSON.stringify({ ...at.id, version } satisfies VersionRecord));
    renameSync(staged, at.file);
  } catch {
    // The record only saves time.
  }
}

/** The recorded version of `bin`, when this job already learnt it for this very file. */
export function recordedHelmVersion(
  bin: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return read(locate(bin, env));
}

/** Records `version` for `bin` as it is now; a step that cannot write it just does not. */
export function recordHelmVersion(
  bin: string,
  version: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  write(locate(bin, env), version);
}

/** `bin`'s version: recorded, or asked of helm with `ask` and then recorded. */
export async function helmVersionOf(bin: string, ask: () => Promise<string>): Promise<string> {
  const at = locate(bin, process.env);
  const known = read(at);
  if (known) return known;
  const version = await ask();
  write(at, version);
  return version;
}
