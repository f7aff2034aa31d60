// Values files with positions: every key of a values YAML file with the line
// it is written on, so a finding about `image.tag` can point at that line.
//
// The `yaml` package is used here rather than js-yaml because js-yaml keeps no
// source positions of keys; `yaml` gives each node its range, and a
// LineCounter turns that into line/column.
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, visit, type Node } from 'yaml';

export interface ValuesEntry {
  /** Key path: map keys as strings, sequence indexes as numbers. */
  path: (string | number)[];
  line: number;
  column: number;
  /** The scalar value, or undefined for a map or sequence. */
  value: unknown;
  /** True when the value is a map or a sequence. */
  collection: boolean;
  /** True when the value is a sequence. */
  sequence?: boolean;
}

export interface ValuesSyntaxError {
  line: number;
  column: number;
  message: string;
}

export interface ValuesFile {
  file: string;
  entries: ValuesEntry[];
  errors: ValuesSyntaxError[];
}

export function readValuesFile(file: string): ValuesFile {
  return parseValuesText(file, readFileSync(file, 'utf8'));
}

export function parseValuesText(file: string, text: string): ValuesFile {
  const lineCounter = new LineCounter();
  const docs = Array.from(parseAllDocuments(text, { lineCounter, prettyErrors: false }));
  const lines = text.split('\n');
  const errors = docs
    .flatMap((d) => d.errors)
    .map((error) => {
      let at = lineCounter.linePos(error.pos[0]);
      // The yaml package appends " at line N, column M:" and a source excerpt; the position is reported separately.
      const message = error.message.split(/ at line \d+, column \d+/)[0]!.trim();
      // An unclosed flow collection is detected where the parser gives up; point at where it was opened.
      const opener = /^Flow sequence/.test(message)
        ? '['
        : /^Flow map/.test(message)
          ? '{'
          : undefined;
      if (opener) {
        for (let i = at.line - 1; i >= 0; i--) {
          const col = (lines[i] ?? '').lastIndexOf(opener);
          if (col >= 0) {
            at = { line: i + 1, col: col + 1 };
            break;
          }
        }
      }
      return { line: at.line, column: at.col, message };
    });
  const entries: ValuesEntry[] = [];
  // Documents with something in them: an empty one (a trailing `---`) adds nothing in helm 3 or 4.
  const written = docs.filter(
    (d) => d.contents && !(isScalar(d.contents) && d.contents.value === null),
  );
  if (errors.length === 0 && written.length > 1) {
    const at = lineCounter.linePos(written[1]!.contents!.range?.[0] ?? 0);
    errors.push({
      line: at.line,
      column: at.col,
      message: `a values file must hold one YAML document, this one holds ${written.length}: helm 4 merges them, helm 3 reads only the first`,
    });
  }
  const doc = written[0] ?? docs[0];
  // The parser takes an alias without its anchor; helm (`unknown anchor 'y' referenced`) does not.
  if (errors.length === 0 && doc) {
    visit(doc, {
      Alias(_, alias) {
        if (alias.resolve(doc)) return;
        const at = lineCounter.linePos(alias.range?.[0] ?? 0);
        errors.push({
          line: at.line,
          column: at.col,
          message: `alias *${alias.source} has no anchor &${alias.source} before it`,
        });
      },
    });
  }
  if (errors.length === 0 && doc) {
    if (
      doc.contents &&
      !isMap(doc.contents) &&
      !(isScalar(doc.contents) && doc.contents.value === null)
    ) {
      const at = lineCounter.linePos(doc.contents.range?.[0] ?? 0);
      errors.push({
        line: at.line,
        column: at.col,
        message: 'a values file must be a YAML mapping',
      });
    } else {
      collect(doc.contents, [], lineCounter, entries);
    }
  }
  return { file, entries, errors };
}

function collect(
  node: Node | null | undefined,
  path: (string | number)[],
  lines: LineCounter,
  into: ValuesEntry[],
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyRange = (pair.key as Node | null)?.range;
      const at = lines.linePos(keyRange?.[0] ?? 0);
      const value = pair.value as Node | null;
      const collection = isMap(value) || isSeq(value);
      into.push({
        path: [...path, key],
        line: at.line,
        column: at.col,
        value: isScalar(value) ? value.value : value === null ? null : undefined,
        collection,
        ...(isSeq(value) ? { sequence: true } : {}),
      });
      collect(value, [...path, key], lines, into);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const itemNode = item as Node | null;
      const at = lines.linePos(itemNode?.range?.[0] ?? 0);
      const collection = isMap(itemNode) || isSeq(itemNode);
      into.push({
        path: [...path, index],
        line: at.line,
        column: at.col,
        value: isScalar(itemNode) ? itemNode.value : undefined,
        collection,
        ...(isSeq(itemNode) ? { sequence: true } : {}),
      });
      collect(itemNode, [...path, index], lines, into);
    });
  }
}

/** The entry at exactly this key path, if the file sets it. */
export function findEntry(
  file: ValuesFile,
  path: readonly (string | number)[],
): ValuesEntry | undefined {
  return file.entries.find(
    (e) =>
      e.path.length === path.length && e.path.every((seg, i) => String(seg) === String(path[i])),
  );
}

/** The deepest entry that is a prefix of `path` (where an unset key would go). */
export function findNearestEntry(
  file: ValuesFile,
  path: readonly (string | number)[],
): ValuesEntry | undefined {
  for (let n = path.length; n > 0; n--) {
    const entry = findEntry(file, path.slice(0, n));
    if (entry) return entry;
  }
  return undefined;
}
