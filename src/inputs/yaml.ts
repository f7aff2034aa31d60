// YAML written by users (inputs, values files, a kubeconfig) is parsed here,
// bounded, before anything else looks at it: a size cap before the parser sees
// the text, and a limit on alias expansion. A "billion laughs" document of a
// few hundred bytes (9 levels of 9 aliases) otherwise expands to hundreds of
// millions of nodes and hangs the run long before any check.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from './errors.js';

/** Inline YAML inputs (secret-values): far above any real use, far below trouble. */
export const MAX_INPUT_YAML_BYTES = 1024 * 1024;
/** Values files and kubeconfigs. */
export const MAX_FILE_YAML_BYTES = 4 * 1024 * 1024;
/** Aliases resolved per document, relative to its size (the `yaml` library's own measure). */
const MAX_ALIAS_COUNT = 100;

/** Why a text is not acceptable YAML; `where` never quotes the text (it may be secret). */
export class YamlProblem extends Error {
  constructor(
    message: string,
    readonly where?: { line: number; column: number },
  ) {
    super(message);
    this.name = 'YamlProblem';
  }
}

export function sizeProblem(bytes: number, maxBytes: number): YamlProblem | undefined {
  return bytes > maxBytes
    ? new YamlProblem(`${bytes} bytes, more than the limit of ${maxBytes / 1024} KiB`)
    : undefined;
}

/**
 * Parses one YAML document into plain values. Throws a YamlProblem for text
 * over `maxBytes`, a syntax error, or alias expansion past the limit.
 */
export function parseBoundedYaml(text: string, maxBytes: number): unknown {
  const tooBig = sizeProblem(Buffer.byteLength(text), maxBytes);
  if (tooBig) throw tooBig;
  // prettyErrors off: the library's pretty message quotes the offending line.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const error = doc.errors[0];
  if (error) {
    const pos = lineCounter.linePos(error.pos[0]);
    const where = { line: pos.line, column: pos.col };
    throw new YamlProblem(`${error.message} (line ${where.line}, column ${where.column})`, where);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new YamlProblem(
      `too many aliases (${(e as Error).message}): alias expansion is limited to ${MAX_ALIAS_COUNT} per document`,
    );
  }
}

/** A YAML file input: size checked before it is read, parsed with alias expansion bounded. */
export function readYamlFile(input: string, raw: string, file: string): unknown {
  const stat = statSync(file);
  if (!stat.isFile()) throw new InputError(input, raw, 'a YAML file, not a directory');
  const tooBig = sizeProblem(stat.size, MAX_FILE_YAML_BYTES);
  if (tooBig) throw new InputError(input, raw, `a YAML file (${tooBig.message})`);
  try {
    return parseBoundedYaml(readFileSync(file, 'utf8'), MAX_FILE_YAML_BYTES);
  } catch (error) {
    if (!(error instanceof YamlProblem)) throw error;
    throw new InputError(input, raw, `a file holding valid YAML (${error.message})`);
  }
}
