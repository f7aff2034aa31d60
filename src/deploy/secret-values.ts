// Secret values reach helm only through a 0600 file under RUNNER_TEMP that is
// removed when the deploy ends: never argv (process lists, helm's own error
// messages), never a log. Every leaf is a secret of the step (see step.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Every scalar leaf of a parsed YAML value, as text. */
export function secretLeaves(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(secretLeaves);
  if (typeof value === 'object') return Object.values(value).flatMap(secretLeaves);
  return [String(value)];
}

export interface SecretValuesFile {
  path: string;
  /** Removes the file and its directory; safe to call twice. */
  remove(): void;
}

export function writeSecretValuesFile(
  values: Record<string, unknown>,
  tempRoot: string,
): SecretValuesFile {
  const dir = mkdtempSync(path.join(tempRoot, 'hotswap-secrets-'));
  const file = path.join(dir, 'secret-values.yaml');
  // mode applies at creation: the content is never readable by others, not even briefly.
  const remove = () => {
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', remove);
  };
  // Also on a path that never reaches `finally` (process.exit on a second signal).
  process.on('exit', remove);
  // JSON is YAML to helm, with every string quoted: no YAML 1.1 reading of `on` or `0755`.
  writeFileSync(file, JSON.stringify(values), { mode: 0o600, flag: 'wx' });
  return { path: file, remove };
}
