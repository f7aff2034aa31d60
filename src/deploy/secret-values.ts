// Secret values reach helm only through a 0600 file under RUNNER_TEMP that is
// removed when the deploy ends: never argv (process lists, helm's own error
// messages), never a log. Every leaf is registered for redaction first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerSecret } from '../secrets/redact.js';

/** Every scalar leaf of a parsed YAML value, as text. */
export function secretLeaves(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(secretLeaves);
  if (typeof value === 'object') return Object.values(value).flatMap(secretLeaves);
  return [String(value)];
}

/** Registers every leaf with the redactor and returns them (the action layer also masks them). */
export function registerSecretLeaves(values: Record<string, unknown> | undefined): string[] {
  const leaves = secretLeaves(values);
  for (const leaf of leaves) registerSecret(leaf);
  return leaves;
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
