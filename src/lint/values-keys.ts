// Misspelt keys in a values file: helm merges a key the chart does not have
// without a word, so `persistence.sizee: 20Gi` deploys the default size. A
// key is reported only when all of these hold, to stay clear of the keys a
// chart leaves open:
// - the chart's values (subcharts and global included) lack it at its path;
// - its parent is a non-empty map there (`podAnnotations: {}`, `env` lists:
//   anything goes, nothing is judged);
// - a sibling the chart has (in its values, or read by a template by its
//   whole path, `.Values.ingress.ingressClassName`) is a small edit away,
//   and the templates read that sibling by name (a map dumped with toYaml is
//   the Kubernetes schema's to check; a free-form map's keys are read by no
//   template);
// - no template or values.yaml mentions the key itself (an option the chart
//   reads but left out of values.yaml).
// A key whose parent a values.schema.json closes (`additionalProperties:
// false`) is the schema's: helm lint reports it. Many schemas only type the
// keys they know (bitnami's), and leave the others to this rule.
import {
  isMap,
  type ChartValues,
  type KeyPath,
  type SchemaAt,
  type ValuesMap,
} from './chart-values.js';
import type { ValuesEntry, ValuesFile } from './values-files.js';

export interface MisspeltKey {
  entry: ValuesEntry;
  /** The sibling the chart has, at the same path. */
  suggestion: (string | number)[];
}

/** Optimal string alignment distance: Levenshtein plus swapping two neighbours. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * How far `key` is from `known` when it reads as a slip of it, else undefined:
 * the same letters in another case (0), or one edit for short keys and two
 * from six letters on. Keys that differ only in digits (`node1`, `node2`)
 * are different keys, as are keys of fewer than three letters.
 */
export function typoDistance(key: string, known: string): number | undefined {
  if (key === known) return undefined;
  if (key.toLowerCase() === known.toLowerCase()) return 0;
  if (Math.min(key.length, known.length) < 3) return undefined;
  if (key.replace(/\d/g, '') === known.replace(/\d/g, '')) return undefined;
  const distance = editDistance(key, known);
  const allowed = Math.min(key.length, known.length) < 6 ? 1 : 2;
  return distance <= allowed ? distance : undefined;
}

/**
 * The chart's values where a values file's key sits: a list's items stand
 * for one another (the file's list replaces the chart's, so any item shows
 * which keys an item takes).
 */
export function valuesAt(defaults: ValuesMap, keyPath: KeyPath): unknown {
  let node: unknown = defaults;
  for (const seg of keyPath) {
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node.filter(isMap).reduce<ValuesMap>((all, item) => ({ ...all, ...item }), {});
    } else {
      if (!isMap(node) || !Object.hasOwn(node, seg)) return undefined;
      node = node[seg];
    }
  }
  return node;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** helm's built-in objects: `.Release.Name` reads no values key `Name`. */
const BUILT_IN = /^\$?\.?(Release|Chart|Capabilities|Template|Files)$/;

/** Whether the templates or values.yaml files mention a key: `.key` (not `.Release.key`) or `"key"`. */
export class KeyMentions {
  private readonly text: string;
  private readonly seen = new Map<string, boolean>();

  constructor(texts: readonly string[]) {
    this.text = texts.join('\n');
  }

  has(key: string): boolean {
    let found = this.seen.get(key);
    if (found === undefined) {
      const k = escapeRegExp(key);
      found =
        new RegExp(`["'\`]${k}["'\`]`).test(this.text) ||
        [...this.text.matchAll(new RegExp(`([\\w$.]*)\\.${k}(?![\\w-])`, 'g'))].some(
          (m) => !BUILT_IN.test(m[1]!),
        );
      this.seen.set(key, found);
    }
    return found;
  }
}

/** The schema nodes a node stands for: itself through a local `$ref`, and its allOf/anyOf/oneOf branches. */
function expand(root: unknown, node: unknown, depth = 0): ValuesMap[] {
  if (!isMap(node) || depth > 8) return [];
  const ref = node.$ref;
  const target =
    typeof ref === 'string' && ref.startsWith('#')
      ? ref
          .slice(1)
          .split('/')
          .filter(Boolean)
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
          .reduce<unknown>((n, k) => (isMap(n) ? n[k] : undefined), root)
      : undefined;
  const branches = ['allOf', 'anyOf', 'oneOf'].flatMap((k) =>
    Array.isArray(node[k]) ? (node[k] as unknown[]) : [],
  );
  return [node, ...[target, ...branches].flatMap((n) => (n ? expand(root, n, depth + 1) : []))];
}

/**
 * Whether a schema rejects keys it does not name at `parentPath` (a schema
 * that does not parse rejects everything: helm fails on it first).
 */
export function schemaClosesMap(schema: unknown, parentPath: KeyPath): boolean {
  if (schema === undefined) return true;
  let nodes = expand(schema, schema);
  for (const seg of parentPath) {
    nodes = nodes.flatMap((n) => {
      if (typeof seg === 'number') return expand(schema, n.items);
      const properties = isMap(n.properties) ? n.properties : {};
      if (Object.hasOwn(properties, seg)) return expand(schema, properties[seg]);
      return expand(schema, n.additionalProperties);
    });
    if (!nodes.length) return false;
  }
  return nodes.some((n) => n.additionalProperties === false || n.unevaluatedProperties === false);
}

function closedBySchema(schemas: readonly SchemaAt[], parentPath: KeyPath): boolean {
  return schemas.some(
    (s) => under(parentPath, s.at) && schemaClosesMap(s.schema, parentPath.slice(s.at.length)),
  );
}

function under(keyPath: KeyPath, prefix: readonly string[]): boolean {
  return prefix.length <= keyPath.length && prefix.every((s, i) => keyPath[i] === s);
}

/** `primary.persistence.size`, `ingress.hosts[0].host` */
export function formatKeyPath(keyPath: KeyPath): string {
  return keyPath.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}

/** The keys of a values file that look like slips of a key the chart has. */
export function misspeltKeys(
  file: ValuesFile,
  chart: ChartValues,
  mentions: KeyMentions,
): MisspeltKey[] {
  const found: MisspeltKey[] = [];
  for (const entry of file.entries) {
    const key = entry.path[entry.path.length - 1];
    if (typeof key !== 'string' || key === '<<') continue;
    if (chart.unjudged.some((p) => under(entry.path, p))) continue;
    const parentPath = entry.path.slice(0, -1);
    if (closedBySchema(chart.schemas, parentPath)) continue;
    const parent = valuesAt(chart.defaults, parentPath);
    if (!isMap(parent) || !Object.keys(parent).length) continue;
    const read = valuesAt(chart.read, parentPath);
    const siblings = [
      ...new Set([...Object.keys(parent), ...(isMap(read) ? Object.keys(read) : [])]),
    ];
    if (siblings.includes(key)) continue;
    let best: { sibling: string; distance: number } | undefined;
    for (const sibling of siblings) {
      const distance = typoDistance(key, sibling);
      if (distance !== undefined && (!best || distance < best.distance))
        best = { sibling, distance };
    }
    if (!best || !mentions.has(best.sibling) || mentions.has(key)) continue;
    found.push({ entry, suggestion: [...parentPath, best.sibling] });
  }
  return found;
}
