// Parsers shared by the actions and the CLI. Each takes the input's name so a
// failure tells the user exactly which input to fix.
import { InputError } from './errors.js';

/** Reads one input by its action.yml name ('' when unset): core.getInput, or the CLI's flags. */
export type InputReader = (name: string) => string;

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function parseBoolean(input: string, raw: string, fallback?: boolean): boolean {
  const value = raw.trim().toLowerCase();
  if (value === '' && fallback !== undefined) return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new InputError(input, raw, 'true or false');
}

export function parseInteger(
  input: string,
  raw: string,
  {
    min = Number.MIN_SAFE_INTEGER,
    max = Number.MAX_SAFE_INTEGER,
    fallback,
  }: { min?: number; max?: number; fallback?: number } = {},
): number {
  const value = raw.trim();
  if (value === '' && fallback !== undefined) return fallback;
  if (!/^-?\d+$/.test(value))
    throw new InputError(input, raw, `a whole number from ${min} to ${max}`);
  const n = Number(value);
  if (n < min || n > max) throw new InputError(input, raw, `a whole number from ${min} to ${max}`);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Durations in Go's form (`90s`, `5m`, `1m30s`, `500ms`), as helm and kubectl take them. Returns milliseconds. */
export function parseDuration(input: string, raw: string, fallbackMs?: number): number {
  const value = raw.trim();
  if (value === '' && fallbackMs !== undefined) return fallbackMs;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
    throw new InputError(input, raw, "a duration such as '90s', '5m' or '1m30s'");
  }
  return parts.reduce((total, [, n, unit]) => total + Number(n) * UNIT_MS[unit!]!, 0);
}

/** Go duration text for helm/kubectl flags. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A list given one item per line or comma-separated; blank items and `#` comments are dropped. */
export function parseList(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .flatMap((line) => (line.trim().startsWith('#') ? [] : line.split(',')))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function parseChoice<T extends string>(
  input: string,
  raw: string,
  choices: readonly T[],
  fallback?: T,
): T {
  const value = raw.trim();
  if (value === '' && fallback !== undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InputError(input, raw, `one of ${choices.join(', ')}`);
}

/** RFC 1123 DNS label, as Kubernetes requires for namespaces (63 characters). */
export function parseDnsLabel(input: string, raw: string, maxLength = 63): string {
  const value = raw.trim();
  if (value.length > maxLength || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    throw new InputError(
      input,
      raw,
      `lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
    );
  }
  return value;
}
