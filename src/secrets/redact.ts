// Every secret value the pipeline handles is registered here once; any text
// that may leave the process (logs, summaries, error messages, helm's own
// stderr) goes through redact() first.

const MASK = '***';
const secrets = new Set<string>();

/** Registers a secret value. Very short values are ignored: masking "1" would mangle every log. */
export function registerSecret(value: string): void {
  const trimmed = value.trim();
  if (trimmed.length < 3) return;
  secrets.add(value);
  if (trimmed !== value) secrets.add(trimmed);
  // Secrets also travel base64-encoded (Kubernetes Secret data, helm manifests).
  secrets.add(Buffer.from(value).toString('base64'));
}

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(MASK);
  }
  return out;
}

export function registeredSecrets(): readonly string[] {
  return [...secrets];
}

/** For tests only. */
export function clearSecrets(): void {
  secrets.clear();
}
