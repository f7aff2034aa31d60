// Every secret value the pipeline handles is registered here once; any text
// that may leave the process (logs, summaries, outputs, annotations, error
// messages, helm's own stderr) goes through redact() first.
//
// A secret rarely leaves in its raw form only: a server echoes it back inside
// JSON (escaped once, and twice once that JSON is itself put in a JSON
// output), helm and our diff print it YAML-quoted, Kubernetes holds it in
// base64, and a multi-line value (a PEM key) is printed line by line. Each of
// those forms is registered with the value.
import { stringify } from 'yaml';

const MASK = '***';
/** Shorter values are not masked: masking "1" or "on" would mangle every log. */
const MIN_SECRET = 3;
/** A line of a multi-line secret is masked on its own from this length ("{" or "-----" would not be). */
const MIN_LINE = 4;

const forms = new Set<string>();
let sorted: string[] | undefined;
const lines = new Set<string>();
const listeners: ((line: string) => void)[] = [];

function quotedInner(text: string, quote: string): string | undefined {
  const out = text.replace(/\n$/, '');
  return out.startsWith(quote) && out.endsWith(quote) && out.length >= 2
    ? out.slice(1, -1)
    : undefined;
}

/** The value in each form it may be printed in: raw, JSON (once, twice), YAML quoted, base64. */
function encodings(piece: string): string[] {
  const json = JSON.stringify(piece).slice(1, -1);
  const yamlDouble = stringify(piece, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 });
  const yamlSingle = stringify(piece, { defaultStringType: 'QUOTE_SINGLE', lineWidth: 0 });
  return [
    piece,
    json,
    JSON.stringify(json).slice(1, -1),
    quotedInner(yamlDouble, '"') ?? piece,
    quotedInner(yamlSingle, "'") ?? piece,
    piece.replace(/'/g, "''"),
    Buffer.from(piece).toString('base64'),
  ];
}

/** The lines of a secret that are worth masking on their own: trimmed, 4 or more characters. */
export function secretLines(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.length >= MIN_LINE),
    ),
  ];
}

/** Every string that redact() replaces for this secret value. Exported for tests. */
export function secretForms(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.length < MIN_SECRET) return [];
  const pieces = new Set([value, trimmed]);
  if (/[\r\n]/.test(trimmed)) for (const line of secretLines(value)) pieces.add(line);
  const out = new Set<string>();
  for (const piece of pieces) {
    for (const form of encodings(piece)) if (form.trim().length >= MIN_SECRET) out.add(form);
  }
  return [...out];
}

/**
 * Registers a secret value: redact() masks it from now on, and every listener
 * (the action runtime's `::add-mask::`) is told each line of it.
 */
export function registerSecret(value: string): void {
  const fresh = secretForms(value).filter((f) => !forms.has(f));
  if (fresh.length === 0) return;
  for (const form of fresh) forms.add(form);
  sorted = undefined;
  for (const line of secretLines(value)) {
    if (lines.has(line)) continue;
    lines.add(line);
    for (const listener of listeners) listener(line);
  }
}

/** Calls `listener` with each line of every secret registered from now on (and of those already registered). */
export function onSecretLine(listener: (line: string) => void): void {
  listeners.push(listener);
  for (const line of lines) listener(line);
}

export function redact(text: string): string {
  if (forms.size === 0 || text === '') return text;
  // Longest first, so a secret that contains another (or a line of itself) is masked whole.
  sorted ??= [...forms].sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of sorted) if (out.includes(form)) out = out.split(form).join(MASK);
  return out;
}

/** True when `text` holds a registered secret in any of its forms. */
export function holdsSecret(text: string): boolean {
  for (const form of forms) if (text.includes(form)) return true;
  return false;
}

/** For tests only. */
export function clearSecrets(): void {
  forms.clear();
  lines.clear();
  sorted = undefined;
  listeners.length = 0;
}

/**
 * `text` with the credentials of any URL in it replaced (`https://user:token@host`
 * -> `https://***@host`): a repository URL (in Chart.yaml, in an input) may
 * carry them, and helm repeats it in its errors.
 */
export function withoutCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, '$1***@');
}
