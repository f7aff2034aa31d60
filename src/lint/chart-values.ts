// What a chart's values can hold, as helm sees them: its values.yaml, each
// subchart's values under the subchart's name or alias (vendored as a
// directory under `charts/` or packaged as `charts/*.tgz`, nested ones
// included), every chart's `global` under `global`, and what `import-values`
// copies up. With the texts of every template and values.yaml, to tell which
// keys the templates read. Used to judge the keys of a user's values file
// (values-keys.ts); a chart that cannot be read is not judged.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { archivedChartFiles } from './chart-archive.js';
import { valuesPathsIn } from './container-block.js';
import { parseYamlDocuments } from './yaml-documents.js';

export type ValuesMap = Record<string, unknown>;

export interface SchemaAt {
  /** Where its chart's values sit: [] for the chart, [alias] for a subchart. */
  at: string[];
  /** The parsed schema; undefined when it does not parse (helm reports that). */
  schema: unknown;
}
export type KeyPath = readonly (string | number)[];

export interface ChartValues {
  /** The values.schema.json files helm validates the values with, the chart's and its subcharts'. */
  schemas: SchemaAt[];
  /** The merged defaults, a map. */
  defaults: ValuesMap;
  /** Paths whose keys are not judged: a dependency missing from `charts/`. */
  unjudged: string[][];
  /**
   * Keys the templates read by their whole path (`.Values.ingress.ingressClassName`),
   * as a tree of maps: options a chart leaves out of values.yaml, commented out.
   */
  read: ValuesMap;
  /** Templates and values.yaml of the chart and its subcharts. */
  texts: string[];
}

/** The files of one chart, from a directory or an archive. */
interface ChartFiles {
  read(rel: string): string | undefined;
  templates(): string[];
  subcharts(): ChartFiles[];
}

function dirFiles(dir: string): ChartFiles {
  const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
  const walk = (d: string): string[] =>
    existsSync(d)
      ? readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)],
        )
      : [];
  return {
    read: (rel) =>
      isFile(path.join(dir, rel)) ? readFileSync(path.join(dir, rel), 'utf8') : undefined,
    templates: () => walk(path.join(dir, 'templates')).map((f) => readFileSync(f, 'utf8')),
    subcharts: () => {
      const charts = path.join(dir, 'charts');
      if (!existsSync(charts) || !statSync(charts).isDirectory()) return [];
      return readdirSync(charts, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((e) => {
          const p = path.join(charts, e.name);
          if (e.isDirectory() && isFile(path.join(p, 'Chart.yaml'))) return [dirFiles(p)];
          if (e.isFile() && e.name.endsWith('.tgz'))
            return [archiveFiles(archivedChartFiles(readFileSync(p)))];
          return [];
        });
    },
  };
}

function archiveFiles(files: Map<string, Buffer>): ChartFiles {
  return {
    read: (rel) => files.get(rel)?.toString('utf8'),
    templates: () =>
      [...files].filter(([rel]) => rel.startsWith('templates/')).map(([, b]) => b.toString('utf8')),
    subcharts: () => {
      const dirs = new Set<string>();
      const archives: ChartFiles[] = [];
      for (const [rel, body] of files) {
        const parts = rel.split('/');
        if (parts[0] !== 'charts') continue;
        if (parts.length === 2 && rel.endsWith('.tgz'))
          archives.push(archiveFiles(archivedChartFiles(body)));
        else if (parts.length === 3 && parts[2] === 'Chart.yaml') dirs.add(parts[1]!);
      }
      const vendored = [...dirs].sort().map((name) => {
        const prefix = `charts/${name}/`;
        const sub = new Map<string, Buffer>();
        for (const [rel, body] of files)
          if (rel.startsWith(prefix)) sub.set(rel.slice(prefix.length), body);
        return archiveFiles(sub);
      });
      return [...vendored, ...archives];
    },
  };
}

export function isMap(value: unknown): value is ValuesMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function yamlMap(text: string | undefined): ValuesMap {
  if (!text) return {};
  const doc = parseYamlDocuments(text).find((d) => d !== null && d !== undefined);
  return isMap(doc) ? doc : {};
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface Dependency {
  name: string;
  alias?: string;
  importValues: unknown[];
}

function dependencies(files: ChartFiles, chart: ValuesMap): Dependency[] {
  // apiVersion v1 charts list them in requirements.yaml
  const listed = [chart.dependencies, yamlMap(files.read('requirements.yaml')).dependencies];
  return listed.flatMap((deps) =>
    (Array.isArray(deps) ? deps : []).filter(isMap).flatMap((d) =>
      typeof d.name === 'string'
        ? [
            {
              name: d.name,
              ...(typeof d.alias === 'string' ? { alias: d.alias } : {}),
              importValues: Array.isArray(d['import-values']) ? d['import-values'] : [],
            },
          ]
        : [],
    ),
  );
}

/** Both values merged so that every key of either is there; a map wins over a scalar. */
export function unionValues(a: unknown, b: unknown): unknown {
  if (isMap(a) && isMap(b)) {
    const merged: ValuesMap = { ...a };
    for (const [k, v] of Object.entries(b))
      merged[k] = Object.hasOwn(merged, k) ? unionValues(merged[k], v) : v;
    return merged;
  }
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (isMap(b) && !isMap(a)) return b;
  return a === undefined || a === null ? b : a;
}

function getPath(root: unknown, keys: readonly string[]): unknown {
  let node = root;
  for (const k of keys) node = isMap(node) ? node[k] : undefined;
  return node;
}

function withPath(keys: readonly string[], value: unknown): unknown {
  return keys.reduceRight<unknown>((inner, k) => ({ [k]: inner }), value);
}

/** What `import-values` copies from a subchart's values into the parent's. */
function imported(dep: Dependency, sub: ValuesMap): unknown {
  let values: unknown = {};
  for (const item of dep.importValues) {
    if (typeof item === 'string') values = unionValues(values, getPath(sub, ['exports', item]));
    else if (isMap(item) && typeof item.child === 'string' && typeof item.parent === 'string') {
      const parent = item.parent.split('.').filter(Boolean);
      values = unionValues(values, withPath(parent, getPath(sub, item.child.split('.'))));
    }
  }
  return values;
}

/** The `.Values.a.b` paths of templates, as a tree. */
function readPaths(templates: readonly string[]): ValuesMap {
  let tree: unknown = {};
  for (const text of templates)
    for (const keys of valuesPathsIn(text)) tree = unionValues(tree, withPath(keys, {}));
  return tree as ValuesMap;
}

interface Loaded {
  name: string;
  defaults: ValuesMap;
  read: ValuesMap;
  schemas: SchemaAt[];
  unjudged: string[][];
  texts: string[];
}

function load(files: ChartFiles): Loaded {
  const chart = yamlMap(files.read('Chart.yaml'));
  const valuesText = files.read('values.yaml') ?? '';
  let defaults: ValuesMap = yamlMap(valuesText);
  let globals: unknown = defaults.global;
  const unjudged: string[][] = [];
  const schemaText = files.read('values.schema.json');
  const schemas: SchemaAt[] =
    schemaText === undefined ? [] : [{ at: [], schema: parseJson(schemaText) }];
  const templates = files.templates();
  const texts = [valuesText, ...templates];
  let read = readPaths(templates);
  const deps = dependencies(files, chart);
  const subs = files.subcharts().map(load);
  for (const sub of subs) {
    const uses = deps.filter((d) => d.name === sub.name);
    const keys = uses.length ? uses.map((d) => d.alias ?? d.name) : [sub.name];
    for (const key of keys) {
      defaults = unionValues(defaults, { [key]: sub.defaults }) as ValuesMap;
      read = unionValues(read, { [key]: sub.read }) as ValuesMap;
      schemas.push(...sub.schemas.map((s) => ({ at: [key, ...s.at], schema: s.schema })));
      unjudged.push(...sub.unjudged.map((p) => [key, ...p]));
    }
    for (const dep of uses)
      defaults = unionValues(defaults, imported(dep, sub.defaults)) as ValuesMap;
    globals = unionValues(globals, sub.defaults.global);
    texts.push(...sub.texts);
  }
  // A dependency `helm dependency build` has not put in charts/: its keys are unknown here.
  for (const dep of deps)
    if (!subs.some((s) => s.name === dep.name)) unjudged.push([dep.alias ?? dep.name]);
  if (isMap(globals)) defaults = { ...defaults, global: globals };
  return {
    name: typeof chart.name === 'string' ? chart.name : '',
    defaults,
    read,
    schemas,
    unjudged,
    texts,
  };
}

/** The chart's values, or undefined when a file it needs does not parse (helm reports that). */
export function readChartValues(chartDir: string): ChartValues | undefined {
  try {
    const { schemas, defaults, read, unjudged, texts } = load(dirFiles(chartDir));
    return { schemas, defaults, read, unjudged, texts };
  } catch {
    return undefined;
  }
}
