// Finds the file and line a finding is about: the values key that sets the
// offending value when one can be found, otherwise the template that
// rendered the object, at the line of the field.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  containerBlocks,
  otherContainersReads,
  valuesPathsIn,
  type ContainerBlock,
  type LineRange,
} from './container-block.js';
import type { Place } from './helm-messages.js';
import { get } from './object-path.js';
import { requiredValuesPath } from './required-value.js';
import type { ValuesHint } from './policies.js';
import { chartMetadata } from '../helm/chart-metadata.js';
import {
  findEntry,
  findNearestEntry,
  readValuesFile,
  type ValuesEntry,
  type ValuesFile,
} from './values-files.js';

export interface Position {
  file: string;
  line: number;
  column?: number;
}

/** Which document of a template rendered an object: its kind, and how many of that kind the template rendered before it. */
export interface TemplateDocument {
  kind: string;
  index: number;
}

/** The values keys a container's template block reads, and those its pod's other containers' read. */
export interface ContainerReads {
  own: string[][];
  others: string[][];
  /** What the blocks of the template (and helpers) that write other containers read, rendered or not. */
  foreign: string[][];
}

/** A container's block in a template file. */
export interface LocatedBlock extends ContainerBlock {
  file: string;
}

/** Whether reading `read` reads the key at `key`: the key itself, or a map holding it (`toYaml .Values.securityContext`). */
function reads(read: readonly string[], key: readonly string[]): boolean {
  return read.length <= key.length && read.every((s, i) => s === key[i]);
}

function chartName(dir: string): string | undefined {
  const name = chartMetadata(dir)?.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The directory under `charts/` of the subchart helm calls `key` in a
 * `# Source:` path: its alias (`frontend` for podinfo), else its name.
 * Undefined when it is not vendored as a directory (a `.tgz`).
 */
function subchartDir(chartDir: string, key: string): string | undefined {
  // a Chart.yaml that does not parse has none here: helm lint says so
  const dependencies = chartMetadata(chartDir)?.dependencies;
  const aliased = (Array.isArray(dependencies) ? dependencies : []).find(
    (d: { alias?: unknown }) => d?.alias === key,
  ) as { name?: unknown } | undefined;
  const name = typeof aliased?.name === 'string' ? aliased.name : key;
  const charts = path.join(chartDir, 'charts');
  if (!existsSync(charts)) return undefined;
  const dirs = readdirSync(charts, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(charts, e.name));
  return (
    dirs.find((d) => path.basename(d) === name && chartName(d) === name) ??
    dirs.find((d) => chartName(d) === name)
  );
}

/** A parent's values file as a subchart sees it: the keys under its name, and `global`. */
function subchartView(file: ValuesFile, key: string): ValuesFile {
  return {
    ...file,
    entries: file.entries
      .filter((e) => (e.path[0] === key && e.path.length > 1) || e.path[0] === 'global')
      .map((e) => (e.path[0] === key ? { ...e, path: e.path.slice(1) } : e)),
  };
}

function listTemplates(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listTemplates(path.join(dir, e.name), `${prefix}${e.name}/`)
      : [`${prefix}${e.name}`],
  );
}

/**
 * A template or folder name and the runs of words it joins with `-` or `_`
 * (`default-backend-hpa`: also `default`, `default-backend`, `backend`,
 * `backend-hpa`, `hpa`): charts name a component's templates
 * `<component>-<kind>.yaml`.
 */
export function templateNameWords(name: string): string[] {
  const parts = name.split(/[-_]/).filter(Boolean);
  const words = new Set([name]);
  for (let i = 0; i < parts.length; i++)
    for (let j = i + 1; j <= parts.length; j++) words.add(parts.slice(i, j).join('-'));
  return [...words];
}

/** A values key as a template name would spell it: `admissionWebhooks` -> `admission-webhooks`. */
function kebab(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The names a values key goes by when compared with template names: lower case, and kebab. */
function keyNames(key: string): string[] {
  return [key.toLowerCase(), kebab(key)];
}

/** Whether `path` starts with `prefix`. */
function under(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}

/**
 * Whether a values key sets something other than what the object has where
 * the key's value renders: a scalar other than the rendered one (or any, where
 * nothing rendered), or a map setting a field the rendered map lacks (the
 * container's resources have no requests.cpu, this key sets one). A null leaf
 * removes a field, and an `enabled` leaf is the chart's switch, never rendered.
 */
function contradicts(file: ValuesFile, entry: ValuesEntry, rendered: unknown): boolean {
  if (!entry.collection) {
    if (entry.value === null || entry.value === undefined) return false;
    return rendered === undefined || String(rendered) !== String(entry.value);
  }
  return file.entries.some(
    (leaf) =>
      !leaf.collection &&
      leaf.value !== null &&
      leaf.path[leaf.path.length - 1] !== 'enabled' &&
      leaf.path.length > entry.path.length &&
      under(leaf.path, entry.path) &&
      get(rendered, leaf.path.slice(entry.path.length)) === undefined,
  );
}

/** Template words that name a workload kind, lower case. */
const WORKLOAD_KINDS = new Set([
  'deployment',
  'statefulset',
  'daemonset',
  'replicaset',
  'pod',
  'job',
  'cronjob',
]);

/** Where a line's key starts: its indentation, with a list item's `- `. */
function keyIndent(line: string): number {
  return /^\s*(?:- )?/.exec(line)![0].length;
}

/** A line holding only template actions (`{{- if … }}`), which renders no key of its own. */
function isAction(line: string): boolean {
  return /^\s*(?:\{\{.*?\}\}\s*)+$/.test(line);
}

/**
 * A `# Source:` path's parts as its chart's own (`templates/x.yaml`,
 * `charts/sub/templates/y.yaml`): helm writes them after the chart's name.
 */
function chartRelative(source: string): string[] {
  const parts = source.split('/');
  return parts[0] === 'templates' || parts[0] === 'charts' ? parts : parts.slice(1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Locator {
  private readonly texts = new Map<string, string[]>();
  /** Words naming templates and template folders (`postgresql`, `deployment`), lower case. */
  private readonly templateWords: Set<string>;
  /** Template files (helpers included), relative to templates/. */
  private readonly templates: string[];
  private readonly blocks = new Map<string, LocatedBlock | undefined>();
  private readonly subcharts = new Map<string, Locator | undefined>();
  private readonly archives = new Map<string, Locator>();

  /**
   * @param valuesFiles parsed values files, lowest precedence first (the chart's values.yaml, then the set's files)
   * @param packaged the locator of a subchart packaged as `charts/*.tgz`: its templates are
   *   in no file of the repository, its values are the parent's under its name
   */
  constructor(
    readonly chartDir: string,
    readonly valuesFiles: readonly ValuesFile[],
    private readonly packaged = false,
  ) {
    this.templates = packaged ? [] : listTemplates(path.join(chartDir, 'templates'));
    this.templateWords = new Set(
      this.templates.flatMap((t) =>
        t
          .replace(/\.(ya?ml|tpl|txt)$/, '')
          .split('/')
          .flatMap((w) => templateNameWords(w.toLowerCase().replace(/^_/, ''))),
      ),
    );
  }

  /** Values files, highest precedence first. */
  private get byPrecedence(): ValuesFile[] {
    return [...this.valuesFiles].reverse();
  }

  /**
   * The locator of the chart a template belongs to, and the template's path
   * as that chart's own: a subchart vendored as a directory has its own
   * templates, and its values are its values.yaml under the keys of its
   * name or alias in the parent's files (`frontend.replicaCount` for
   * `<parent>/charts/frontend/templates/deployment.yaml`).
   */
  forSource(source: string): { locator: Locator; source: string } {
    if (this.packaged) return { locator: this, source };
    const rel = chartRelative(source);
    if (rel[0] === 'charts' && rel.length > 2) {
      const sub = this.subchart(rel[1]!);
      if (sub) return sub.forSource(rel.slice(1).join('/'));
      return { locator: this.archive(rel), source };
    }
    return { locator: this, source };
  }

  /**
   * The locator of a subchart that is no directory (a `.tgz`, and the
   * subcharts inside it: `charts/a/charts/b/templates/…`): its values are
   * the parent's keys under its name (or alias), and its templates resolve
   * to no file, so its findings fall to those keys or to its dependency's
   * entry in this chart's Chart.yaml, never to this chart's own keys.
   */
  private archive(rel: readonly string[]): Locator {
    const keys: string[] = [];
    for (let i = 0; rel[i] === 'charts' && rel[i + 1] !== undefined; i += 2) keys.push(rel[i + 1]!);
    const id = keys.join('/');
    let archived = this.archives.get(id);
    if (!archived) {
      const files = keys.reduce<ValuesFile[]>(
        (view, key) => view.map((f) => subchartView(f, key)),
        [...this.valuesFiles],
      );
      archived = new Locator(this.chartDir, files, true);
      this.archives.set(id, archived);
    }
    return archived;
  }

  private subchart(key: string): Locator | undefined {
    if (!this.subcharts.has(key)) {
      const dir = subchartDir(this.chartDir, key);
      const defaults = dir === undefined ? undefined : path.join(dir, 'values.yaml');
      this.subcharts.set(
        key,
        dir === undefined
          ? undefined
          : new Locator(dir, [
              ...(defaults && existsSync(defaults) ? [readValuesFile(defaults)] : []),
              ...this.valuesFiles.map((f) => subchartView(f, key)),
            ]),
      );
    }
    return this.subcharts.get(key);
  }

  /** The file a `# Source:` path names (`<chart>/templates/x.yaml`, or `templates/x.yaml`). */
  templateFile(source: string): string {
    const own = this.forSource(source);
    if (own.locator !== this) return own.locator.templateFile(own.source);
    return path.join(this.chartDir, ...chartRelative(source));
  }

  /**
   * Where a finding in a template no file holds goes: a subchart packaged as
   * `charts/*.tgz` is in the repository only as its dependency's entry in
   * Chart.yaml (its alias, else its name), which is where it points; else
   * Chart.yaml's first line.
   */
  absentTemplate(source: string): Position {
    const own = this.forSource(source);
    if (own.locator !== this) return own.locator.absentTemplate(own.source);
    const chartYaml = path.join(this.chartDir, 'Chart.yaml');
    const rel = chartRelative(source);
    const lines = this.lines(chartYaml);
    const from = lines.findIndex((l) => /^dependencies\s*:/.test(l));
    if (rel[0] !== 'charts' || rel.length < 3 || from < 0) return { file: chartYaml, line: 1 };
    const entry = (field: string) =>
      new RegExp(`^\\s*(?:- )?${field}\\s*:\\s*(["']?)${escapeRegExp(rel[1]!)}\\1\\s*(?:#.*)?$`);
    const range: LineRange = [from, lines.length];
    const line =
      this.findLine(chartYaml, (l) => entry('alias').test(l), range) ??
      this.findLine(chartYaml, (l) => entry('name').test(l), range);
    return { file: chartYaml, line: line ?? 1 };
  }

  private lines(file: string): string[] {
    let lines = this.texts.get(file);
    if (!lines) {
      lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
      this.texts.set(file, lines);
    }
    return lines;
  }

  /** The line of the first `key:` in a file, or in a range of its lines. */
  findKeyLine(file: string, key: string, range?: LineRange): number | undefined {
    const escaped = escapeRegExp(key);
    const pattern = new RegExp(`^\\s*(?:- )?["']?${escaped}["']?\\s*:`);
    return this.findLine(file, (l) => pattern.test(l), range);
  }

  private findLine(
    file: string,
    test: (line: string) => boolean,
    range?: LineRange,
  ): number | undefined {
    const lines = this.lines(file);
    const [start, end] = range ?? [0, lines.length];
    for (let i = start; i < end; i++) if (test(lines[i]!)) return i + 1;
    return undefined;
  }

  /**
   * The lines of the template document that rendered an object, in a
   * template that writes several (`---` between them): the documents that
   * spell out its kind, the one its index among them names (helm keeps the
   * order of same-kind documents of a template; an index past them, as a
   * `range` renders, takes the last). The whole file when the template has
   * one document or none spells out the kind (a templated kind).
   */
  private documentRange(file: string, document?: TemplateDocument): LineRange | undefined {
    if (!document) return undefined;
    const lines = this.lines(file);
    const starts = [0];
    lines.forEach((l, i) => {
      if (/^---(?:\s|$)/.test(l)) starts.push(i + 1);
    });
    if (starts.length === 1) return undefined;
    const kind = new RegExp(`^\\s*kind:\\s*(["']?)${escapeRegExp(document.kind)}\\1\\s*(?:#.*)?$`);
    const candidates = starts
      .map((start, i): LineRange => [start, (starts[i + 1] ?? lines.length + 1) - 1])
      .filter((range) => this.findLine(file, (l) => kind.test(l), range) !== undefined);
    if (!candidates.length) return undefined;
    return candidates[Math.min(document.index, candidates.length - 1)];
  }

  lineOfKey(file: string, key: string): number {
    return this.findKeyLine(file, key) ?? 1;
  }

  /**
   * A template's line for a field path in the rendered object: the deepest
   * field name the template spells out, in the object's own document.
   */
  templateField(
    source: string,
    field: readonly (string | number)[],
    document?: TemplateDocument,
  ): Position {
    const file = this.templateFile(source);
    if (!existsSync(file)) return this.absentTemplate(source);
    const range = this.documentRange(file, document);
    const names = field.filter((s): s is string => typeof s === 'string').reverse();
    for (const name of names) {
      const line = this.findKeyLine(file, name, range);
      if (line !== undefined) return { file, line };
    }
    return { file, line: range ? range[0] + 1 : 1 };
  }

  /**
   * The line of the object's template document that spells out `name:`
   * inside the block of `field` (each of its keys spelled out, one inside
   * the other), whatever it renders to: `provider: {{ .provider }}` under
   * `spec:` renders a null a schema finds missing. Undefined when the
   * template spells out no such line (a block rendered with toYaml).
   */
  templateKey(
    source: string,
    field: readonly (string | number)[],
    name: string,
    document?: TemplateDocument,
  ): Position | undefined {
    const file = this.templateFile(source);
    if (!existsSync(file)) return undefined;
    const lines = this.lines(file);
    let [from, to] = this.documentRange(file, document) ?? [0, lines.length];
    let indent = -1;
    for (const key of [...field.filter((s): s is string => typeof s === 'string'), name]) {
      const pattern = new RegExp(`^\\s*(?:- )?["']?${escapeRegExp(key)}["']?\\s*:`);
      const found = this.findLine(file, (l) => pattern.test(l) && keyIndent(l) > indent, [
        from,
        to,
      ]);
      if (found === undefined) return undefined;
      if (key === name) return { file, line: found };
      indent = keyIndent(lines[found - 1]!);
      // the block ends at the next line of its indentation or less (template actions aside)
      const next = lines.findIndex(
        (l, i) => i >= found && i < to && l.trim() !== '' && !isAction(l) && keyIndent(l) <= indent,
      );
      [from, to] = [found, next < 0 ? to : next];
    }
    return undefined;
  }

  /**
   * The template line that spells out a field's rendered value itself
   * (`image: busybox:latest`, no template action on the line). A value
   * hard-coded in a template comes from there, whatever key of the same
   * name the values files have.
   */
  templateLiteral(
    source: string,
    field: readonly (string | number)[],
    value: unknown,
    document?: TemplateDocument,
  ): Position | undefined {
    if (!['string', 'number', 'boolean'].includes(typeof value) || String(value) === '')
      return undefined;
    const key = [...field].reverse().find((s): s is string => typeof s === 'string');
    // Every template spells out kind and apiVersion: a finding about a missing
    // piece (no PodDisruptionBudget) is anchored there, not caused there.
    if (!key || key === 'kind' || key === 'apiVersion') return undefined;
    const file = this.templateFile(source);
    if (!existsSync(file)) return undefined;
    const pattern = new RegExp(
      `^\\s*(?:- )?["']?${escapeRegExp(key)}["']?\\s*:\\s*(["']?)${escapeRegExp(String(value))}\\1\\s*(?:#.*)?$`,
    );
    const line = this.findLine(
      file,
      (l) => !l.includes('{{') && pattern.test(l),
      this.documentRange(file, document),
    );
    return line !== undefined ? { file, line } : undefined;
  }

  /**
   * The chart's helper templates (`_pod.tpl`), as paths. A helper renders
   * nothing itself: the containers it writes are its includers'.
   */
  private helperFiles(): string[] {
    return this.templates
      .filter((t) => path.basename(t).startsWith('_'))
      .map((t) => path.join(this.chartDir, 'templates', t));
  }

  /**
   * The block of the chart's templates that writes a container: in the
   * object's own template, else in the one helper (a `_` file such as
   * grafana's `_pod.tpl`) that writes it. Blocks equally like it in one file
   * (if/else branches) read the keys of both; in several files, none is taken.
   */
  containerBlock(source: string, name: string): LocatedBlock | undefined {
    const cacheKey = `${source}\u0000${name}`;
    if (this.blocks.has(cacheKey)) return this.blocks.get(cacheKey);
    const own = this.templateFile(source);
    let block: LocatedBlock | undefined;
    for (const files of [[own], this.helperFiles()]) {
      const best = files.flatMap((file) => {
        const found = containerBlocks(this.lines(file), name);
        const top = found[0]?.literal;
        return found.filter((f) => f.literal === top).map((f) => ({ file, ...f }));
      });
      const top = Math.max(...best.map((b) => b.literal));
      const chosen = best.filter((b) => b.literal === top);
      if (!chosen.length) continue;
      if (new Set(chosen.map((b) => b.file)).size === 1)
        block = {
          file: chosen[0]!.file,
          range: chosen[0]!.block.range,
          reads: chosen.flatMap((b) => b.block.reads),
        };
      break;
    }
    this.blocks.set(cacheKey, block);
    return block;
  }

  /** The values keys a container's template block reads, and the other containers' blocks. */
  containerReads(
    source: string,
    own: string,
    others: readonly string[],
  ): ContainerReads | undefined {
    const block = this.containerBlock(source, own);
    const files = [this.templateFile(source), ...this.helperFiles()];
    const foreign = files.flatMap((f) => otherContainersReads(this.lines(f), own));
    if (!block?.reads.length && !foreign.length) return undefined;
    return {
      own: block?.reads ?? [],
      others: others.flatMap((name) => this.containerBlock(source, name)?.reads ?? []),
      foreign,
    };
  }

  /**
   * The line of a container's block that spells out one of `names` (the
   * first found, best first), else the block's `- name:` line.
   */
  containerField(source: string, name: string, names: readonly string[]): Position | undefined {
    const block = this.containerBlock(source, name);
    if (!block) return undefined;
    for (const key of names) {
      const line = this.findKeyLine(block.file, key, [block.range[0] + 1, block.range[1]]);
      if (line !== undefined) return { file: block.file, line };
    }
    return { file: block.file, line: block.range[0] + 1 };
  }

  /** The values key at exactly this path (highest precedence file that sets it), else its nearest parent. */
  valuesKey(keyPath: readonly (string | number)[]): Position | undefined {
    for (const file of this.byPrecedence) {
      const entry = findEntry(file, keyPath);
      if (entry) return { file: file.file, line: entry.line, column: entry.column };
    }
    for (const file of this.byPrecedence) {
      const entry = findNearestEntry(file, keyPath);
      if (entry) return { file: file.file, line: entry.line, column: entry.column };
    }
    return undefined;
  }

  /**
   * The values key a template line renders on its own (`replicas: {{
   * .Values.controller.replicaCount }}`) when the file that sets it, the one
   * of highest precedence, sets it to the rendered `value` (of its type: a
   * `| quote` that makes a string of a number is the template's doing).
   */
  valuesKeyOfLine(at: Position, value: unknown): Position | undefined {
    const line = this.lines(at.file)[at.line - 1];
    const reads = line === undefined ? [] : valuesPathsIn(line);
    if (reads.length !== 1) return undefined;
    const set = this.valuesEntry(reads[0]!);
    return set && !set.entry.collection && set.entry.value === value ? set.at : undefined;
  }

  /**
   * The values map a template's field line writes: the one `.Values` key
   * read on that line and the line above it (`{{- with
   * .Values.upgradeJobResources }}` over `resources:`), when a values file
   * sets it to a map. A finding about what the field lacks goes there.
   */
  valuesMapOfLine(at: Position): Position | undefined {
    const lines = this.lines(at.file);
    const reads = lines.slice(Math.max(0, at.line - 2), at.line).flatMap(valuesPathsIn);
    const keys = new Set(reads.map((r) => r.join('.')));
    if (keys.size !== 1) return undefined;
    const set = this.valuesEntry(reads[0]!);
    return set?.entry.collection && !set.entry.sequence ? set.at : undefined;
  }

  /** The key at exactly this path in the values file of highest precedence that sets it. */
  private valuesEntry(
    keyPath: readonly (string | number)[],
  ): { entry: ValuesEntry; at: Position } | undefined {
    for (const file of this.byPrecedence) {
      const entry = findEntry(file, keyPath);
      if (entry) return { entry, at: { file: file.file, line: entry.line, column: entry.column } };
    }
    return undefined;
  }

  /**
   * The values key a hint most likely means. Scored: the offending value
   * matches, then the earlier hint key, then keys under a name tied to the
   * object (`postgresql.*` for the PostgreSQL StatefulSet), then the file
   * with the higher precedence, then the shorter path.
   */
  valuesHint(
    hint: ValuesHint,
    context: readonly string[],
    options: { requireValue?: boolean } = {},
  ): Position | undefined {
    const words = context.map((w) => w.toLowerCase());
    // An object tied to a top-level values key (the `postgresql` StatefulSet
    // and `postgresql:`) is only configured under that key.
    const topLevel = new Set(
      this.valuesFiles.flatMap((f) =>
        f.entries.filter((e) => e.path.length === 1).flatMap((e) => keyNames(String(e.path[0]))),
      ),
    );
    // The longest name wins: argocd-repo-server/ is `repoServer`, not `server`. A workload
    // kind names no component: a top-level `deployment:` (cluster-autoscaler's) holds the
    // Deployment's own annotations, not what its pods run.
    const owner = words
      .filter((w) => topLevel.has(w) && this.templateWords.has(w) && !WORKLOAD_KINDS.has(w))
      .sort((a, b) => b.length - a.length)[0];
    const own = hint.containers?.own.toLowerCase();
    const others = (hint.containers?.others ?? []).map((name) => name.toLowerCase());
    const blockReads = hint.containers?.reads;
    let best: { score: number; file: string; entry: ValuesEntry } | undefined;
    const files = this.valuesFiles;
    files.forEach((file, precedence) => {
      for (const entry of file.entries) {
        const segments = entry.path.map((s) => String(s));
        const keyRank = hint.keys.findIndex((key) => {
          const suffix = key.split('.');
          return (
            suffix.length <= segments.length &&
            suffix.every((s, i) => segments[segments.length - suffix.length + i] === s)
          );
        });
        if (keyRank < 0 || (hint.map && entry.sequence)) continue;
        const suffixLength = hint.keys[keyRank]!.split('.').length;
        const parents = segments.slice(0, segments.length - suffixLength).flatMap(keyNames);
        // A key the container's own template block reads is its key, whatever the names say;
        // one the other containers' blocks read too is shared (a default they fall back to).
        const read = blockReads?.own.some((r) => reads(r, segments))
          ? blockReads.others.some((r) => reads(r, segments))
            ? 'shared'
            : 'own'
          : undefined;
        // A nested key only blocks writing other containers read (kube-state-metrics's
        // kubeRBACProxy.resources, for its sidecars) is theirs; a top-level one may be shared.
        if (
          !read &&
          segments.length > 1 &&
          blockReads?.foreign.some((r) => r.length > 1 && reads(r, segments))
        )
          continue;
        // Nearest under another container's name (`initChownData` for init container init-chown-data).
        const named = parents.filter((s) => s === own || others.includes(s)).pop();
        if (!read && named !== undefined && named !== own) continue;
        const key = hint.keys[keyRank]!;
        if (hint.rendered && key in hint.rendered && contradicts(file, entry, hint.rendered[key]))
          continue;
        const valueMatch =
          hint.value !== undefined &&
          !entry.collection &&
          String(entry.value ?? '') === String(hint.value ?? '');
        if (options.requireValue && hint.value !== undefined && !valueMatch) continue;
        if (!read && owner && !keyNames(segments[0]!).includes(owner)) continue;
        const names = [...new Set(segments.flatMap(keyNames))];
        const tied = names.some((s) => words.includes(s));
        // A key under another component's name (webhook.resources for the controller); the
        // hint's own key (`resources`) may name a template too, and says nothing of the owner.
        const foreign = parents.some((s) => this.templateWords.has(s) && !words.includes(s));
        // Between keys of one component (`createSecretJob`, `patchWebhookJob`): the one sharing more words with the object.
        const shared = new Set(names.flatMap((n) => n.split('-')).filter((w) => words.includes(w)));
        const score =
          (read === 'own' ? 40_000 : read === 'shared' ? 20_000 : 0) +
          (valueMatch ? 10_000 : 0) -
          keyRank * 1_000 +
          (tied ? 500 : 0) -
          (foreign ? 500 : 0) +
          precedence * 10 +
          shared.size * 2 +
          // Of the keys a block reads (`default .Values.dex.resources .Values.dex.initImage.resources`),
          // the longer is the container's own, the shorter a default; elsewhere the shorter path wins.
          (read ? segments.length : -segments.length);
        if (!best || score > best.score) best = { score, file: file.file, entry };
      }
    });
    return best && { file: best.file, line: best.entry.line, column: best.entry.column };
  }

  /** Resolves a place named by a helm message. */
  place(place: Place): Position {
    switch (place.kind) {
      case 'values-key':
        return (
          this.valuesKey(place.path) ?? {
            file:
              this.valuesFiles[this.valuesFiles.length - 1]?.file ??
              path.join(this.chartDir, 'values.yaml'),
            line: 1,
          }
        );
      case 'template': {
        // a scalar where the template reads a list or map (`hosts: a.example.com`): at its key
        const wrong =
          place.values && this.forSource(place.source).locator.valuesEntry(place.values);
        if (wrong && !wrong.entry.collection) return wrong.at;
        const file = this.templateFile(place.source);
        if (!existsSync(file)) return this.absentTemplate(place.source);
        // helm counts a template's columns from 0, annotations from 1
        const column = place.column === undefined ? undefined : place.column + 1;
        // a `required` value a values file leaves null or empty: at that key
        const required =
          place.line && column
            ? requiredValuesPath(this.lines(file)[place.line - 1] ?? '', column)
            : undefined;
        const unset = required && this.forSource(place.source).locator.valuesEntry(required);
        if (unset && !unset.entry.collection) return unset.at;
        return { file, line: place.line ?? 1, ...(column ? { column } : {}) };
      }
      case 'file': {
        const file = path.resolve(this.chartDir, place.path);
        return existsSync(file)
          ? { file, line: place.line ?? 1 }
          : { file: path.join(this.chartDir, 'Chart.yaml'), line: 1 };
      }
      case 'chart-file': {
        const file = path.join(this.chartDir, place.path.replace(/\/$/, ''));
        const target =
          existsSync(file) && !place.path.endsWith('/')
            ? file
            : path.join(this.chartDir, 'Chart.yaml');
        return { file: target, line: place.key ? this.lineOfKey(target, place.key) : 1 };
      }
    }
  }
}
