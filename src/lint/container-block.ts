// The lines of a template that write one container, and the values keys they
// read. A chart's pod often runs containers configured under different keys
// (grafana's sidecars read `sidecar.resources`, argo-cd's redis exporter
// `redis.exporter.resources`); the template block of the container says which
// key it reads, where names and scores can only guess.

/** Lines [start, end) of a file, 0-based. */
export type LineRange = readonly [number, number];

export interface ContainerBlock {
  range: LineRange;
  /** Paths of the `.Values.a.b` the block reads, in the order written. */
  reads: string[][];
}

const ITEM = /^\s*- \S/;
const ACTION = /\{\{.*?\}\}/g;
const VALUES_READ = /\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** A line that ends nothing: blank, a comment, or template actions alone (`{{- end }}`). */
function neutral(line: string): boolean {
  const text = line.trim();
  return text === '' || text.startsWith('#') || text.replace(ACTION, '').trim() === '';
}

/**
 * How a `- name:` value written in a template matches a rendered name: its
 * literal text must appear as written, a template action stands for any text.
 * Returns the number of literal characters matched, or undefined.
 */
export function nameMatch(written: string, name: string): number | undefined {
  const unquoted = written.replace(/^(["'])(.*)\1$/, '$2');
  const literals = unquoted.split(ACTION);
  const literal = literals.join('').length;
  if (!literal) return undefined;
  const pattern = literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?');
  return new RegExp(`^${pattern}$`).test(name) ? literal : undefined;
}

/** The item's lines: until the next line at its indentation or less that writes something. */
function itemEnd(lines: readonly string[], start: number): number {
  const indent = indentOf(lines[start]!);
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!neutral(line) && indentOf(line) <= indent) return i;
  }
  return lines.length;
}

/** The `.Values.a.b` key paths a template text reads, in the order written. */
export function valuesPathsIn(text: string): string[][] {
  return [...text.matchAll(VALUES_READ)].map((match) => match[1]!.slice(1).split('.'));
}

/** The values key paths a range of lines reads. */
export function valuesReads(lines: readonly string[], range: LineRange): string[][] {
  return lines.slice(range[0], range[1]).flatMap(valuesPathsIn);
}

/** The value of a key of a list item, on its `- ` line or at the item's indentation. */
function itemKey(lines: readonly string[], range: LineRange, key: string): string | undefined {
  const indent = indentOf(lines[range[0]]!);
  const first = new RegExp(`^\\s*- ${key}:\\s*(.*?)\\s*$`).exec(lines[range[0]]!);
  if (first) return first[1];
  const inner = new RegExp(`^\\s{${indent + 2}}${key}:\\s*(.*?)\\s*$`);
  for (let i = range[0] + 1; i < range[1]; i++) {
    const match = inner.exec(lines[i]!);
    if (match) return match[1];
  }
  return undefined;
}

/** The list items of a template that write a container: a `name:` and an `image`. */
function containerItems(lines: readonly string[]): { written: string; range: LineRange }[] {
  const items: { written: string; range: LineRange }[] = [];
  lines.forEach((line, start) => {
    if (!ITEM.test(line)) return;
    const range: LineRange = [start, itemEnd(lines, start)];
    const written = itemKey(lines, range, 'name');
    if (written !== undefined && itemKey(lines, range, 'image') !== undefined)
      items.push({ written, range });
  });
  return items;
}

/**
 * The blocks of a template that can write a container named `name`: list
 * items whose `name:` matches it and that set an `image` (an env var or a
 * volume has none), the ones with the most literal text in the name first.
 */
export function containerBlocks(
  lines: readonly string[],
  name: string,
): { block: ContainerBlock; literal: number }[] {
  return containerItems(lines)
    .flatMap(({ written, range }) => {
      const literal = nameMatch(written, name);
      return literal ? [{ block: { range, reads: valuesReads(lines, range) }, literal }] : [];
    })
    .sort((a, b) => b.literal - a.literal);
}

/**
 * What only the blocks of a template that surely write other containers (a
 * literal name that is not `name`) read: a key also read elsewhere in the
 * template (argo-cd's dex.resources, the default of its copyutil init
 * container and the dex container's own) may be this container's.
 */
export function otherContainersReads(lines: readonly string[], name: string): string[][] {
  const others = containerItems(lines).filter(({ written }) => {
    const unquoted = written.replace(/^(["'])(.*)\1$/, '$2');
    return unquoted.split(ACTION).join('').trim() !== '' && !nameMatch(written, name);
  });
  const inOthers = (line: number) =>
    others.some(({ range }) => line >= range[0] && line < range[1]);
  const elsewhere = new Set(
    lines.flatMap((_, i) =>
      inOthers(i) ? [] : valuesReads(lines, [i, i + 1]).map((r) => r.join('.')),
    ),
  );
  return others
    .flatMap(({ range }) => valuesReads(lines, range))
    .filter((r) => !elsewhere.has(r.join('.')));
}
