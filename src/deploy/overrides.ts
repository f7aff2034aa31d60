// The `set` input: one `key=value` per line, each passed to helm as --set.
// The key must be a helm value path (`image.tag`, `env[0].name`,
// `podAnnotations.hotswap\.dev/simulate`): anything else, a helm flag such as
// `--post-renderer=/bin/sh` above all, is refused here as input rather than
// handed to helm's argument parser.
import { InputError } from '../inputs/errors.js';

// A name (characters of Kubernetes keys and labels, `\` escaping helm's own
// separators), then any [N] list indexes; segments joined by '.'. The first
// character is a letter, digit or '_', so no key can read as a flag.
const CHAR = String.raw`(?:[A-Za-z0-9_/:@+-]|\\[.,=\[\]\\])`;
const INDEXES = String.raw`(?:\[\d+\])*`;
const VALUE_PATH = new RegExp(
  String.raw`^[A-Za-z0-9_]${CHAR}*${INDEXES}(?:\.${CHAR}+${INDEXES})*$`,
);

const EXPECTED =
  "one 'key=value' per line, the key a helm value path such as image.tag, env[0].name or podAnnotations.example\\.com/key";

/** The key of a `key=value` line: up to the first `=` that helm does not see as escaped. */
function keyOf(line: string): string | undefined {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '=') return line.slice(0, i);
  }
  return undefined;
}

export function isValuePath(key: string): boolean {
  return VALUE_PATH.test(key);
}

/** `key=value` lines for --set. Values stay as given; keys are checked as helm value paths. */
export function parseOverrides(input: string, raw: string): string[] {
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of lines) {
    const key = keyOf(line);
    if (key === undefined || !isValuePath(key)) throw new InputError(input, line, EXPECTED);
  }
  return lines;
}
