// The CustomResourceDefinitions a chart brings for its own custom resources,
// which validate them as the user's CRDs do (the crds input):
// - the files under `crds/` of the chart and of every subchart vendored as a
//   directory under `charts/`, which helm installs before the templates
//   (helm's chart.CRDObjects: `crds/` files ending in .yaml, .yml or .json,
//   not templated);
// - the same files inside the subchart archives (`charts/*.tgz`, what
//   `helm dependency build` leaves), nested archives included
//   (chart-archive.ts);
// - CRDs a values set renders from templates (cert-manager's
//   `crds.enabled=true`).
// Nothing is read unless a rendered object needs a CRD (run.ts): a chart
// without `crds/` costs a directory listing, and the schema compiler (ajv)
// stays unloaded.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../inputs/errors.js';
import { archivedCrdFiles, type ArchivedFile } from './chart-archive.js';
import type { RenderedObject } from './rules/model.js';
import { fromCrdSchema, mergeCrdSchemas, type SchemaData } from './schema-data.js';
import { parseYamlDocuments } from './yaml-documents.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function filesUnder(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => MANIFEST_EXTENSIONS.has(path.extname(file)) && statSync(file).isFile())
    .sort();
}

/** Chart directories: the chart, then its subcharts vendored as directories, depth first. */
function chartDirs(chartDir: string): string[] {
  const charts = path.join(chartDir, 'charts');
  const subcharts =
    existsSync(charts) && statSync(charts).isDirectory()
      ? readdirSync(charts, { withFileTypes: true })
          .filter((e) => e.isDirectory() && existsSync(path.join(charts, e.name, 'Chart.yaml')))
          .map((e) => path.join(charts, e.name))
          .sort()
      : [];
  return [chartDir, ...subcharts.flatMap(chartDirs)];
}

/** The `crds/` files helm installs with the chart, its own first. */
export function chartCrdFiles(chartDir: string): string[] {
  return chartDirs(chartDir).flatMap((dir) => filesUnder(path.join(dir, 'crds')));
}

/** Subchart archives of the chart and of its vendored subcharts (helm loads `charts/*.tgz`). */
export function subchartArchives(chartDir: string): string[] {
  return chartDirs(chartDir).flatMap((dir) => {
    const charts = path.join(dir, 'charts');
    if (!existsSync(charts) || !statSync(charts).isDirectory()) return [];
    return readdirSync(charts, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.tgz'))
      .map((e) => path.join(charts, e.name))
      .sort();
  });
}

function readCrdFile(file: string, text: string, chartDir: string, source: string): SchemaData {
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(text);
  } catch (error) {
    throw new InputError(
      'chart',
      chartDir,
      `a chart whose crds/ files parse as YAML (${source}: ${(error as Error).message.split('\n')[0]})`,
    );
  }
  try {
    return fromCrdSchema(docs, { source });
  } catch (error) {
    throw new InputError(
      'chart',
      chartDir,
      `a chart whose crds/ files hold valid CRDs (${(error as Error).message})`,
    );
  }
}

/**
 * The CRDs of a chart's `crds/` files, read on demand: parsing them is the
 * cost (traefik's 28 files are 430 KB of YAML, 80-200 ms), so only the files
 * that mention a kind some rendered object needs are parsed, each once.
 * Subchart archives are opened the first time a kind is asked for. Files
 * without a CRD (a kustomization.yaml) are ignored, as helm installs them as
 * they are; a file that does not parse is an error naming the chart.
 */
export class ChartCrds {
  private readonly files: string[];
  private readonly archives: string[];
  /** Text of each file, by path (or `<archive>:<path>` inside an archive). */
  private readonly texts = new Map<string, string>();
  private archived?: string[];
  private readonly parsed = new Map<string, SchemaData>();

  /** @param relativeTo what `source` of each result is relative to (the workspace) */
  constructor(
    private readonly chartDir: string,
    private readonly relativeTo: string,
  ) {
    this.files = chartCrdFiles(chartDir);
    this.archives = subchartArchives(chartDir);
  }

  get empty(): boolean {
    return !this.files.length && !this.archives.length;
  }

  /** Schemas of the files that may define one of `kinds` (names such as `IngressRoute`), one per file with a CRD. */
  defining(kinds: readonly string[]): SchemaData[] {
    const words = kinds.map((kind) => new RegExp(`\\b${kind.replace(/[^\w]/g, '\\$&')}\\b`));
    return this.schemas((text) => words.some((word) => word.test(text)));
  }

  /** Schemas of every file. */
  all(): SchemaData[] {
    return this.schemas(() => true);
  }

  private schemas(wanted: (text: string) => boolean): SchemaData[] {
    return [...this.files, ...this.archivedFiles()]
      .filter((file) => wanted(this.text(file)))
      .map((file) => this.schemaOf(file))
      .filter((data) => Object.keys(data.kinds).length);
  }

  private text(file: string): string {
    let text = this.texts.get(file);
    if (text === undefined) this.texts.set(file, (text = readFileSync(file, 'utf8')));
    return text;
  }

  /** The CRD files inside the subchart archives, their texts kept. */
  private archivedFiles(): string[] {
    this.archived ??= this.archives.flatMap((archive) => {
      const label = path.relative(this.relativeTo, archive);
      let files: ArchivedFile[];
      try {
        files = archivedCrdFiles(readFileSync(archive), label);
      } catch (error) {
        throw new InputError(
          'chart',
          this.chartDir,
          `a chart whose subchart archives are gzip tar files (${label}: ${(error as Error).message})`,
        );
      }
      for (const file of files) this.texts.set(file.name, file.text);
      return files.map((file) => file.name);
    });
    return this.archived;
  }

  private schemaOf(file: string): SchemaData {
    let data = this.parsed.get(file);
    if (!data) {
      // An archived file's name is already relative: `<archive>:<path inside>`.
      const source = this.archived?.includes(file) ? file : path.relative(this.relativeTo, file);
      data = readCrdFile(file, this.text(file), this.chartDir, source);
      this.parsed.set(file, data);
    }
    return data;
  }
}

/**
 * Schemas of the CRDs among a values set's rendered objects, one entry per
 * template. A CRD too broken to read (no group or kind) is left out: the
 * schema stage reports it against the built-in CustomResourceDefinition schema.
 */
export function renderedCrds(objects: readonly RenderedObject[]): SchemaData[] {
  const byTemplate = new Map<string, unknown[]>();
  for (const object of objects) {
    if (object.doc.kind !== 'CustomResourceDefinition') continue;
    if (object.doc.apiVersion !== 'apiextensions.k8s.io/v1') continue;
    byTemplate.set(object.source, [...(byTemplate.get(object.source) ?? []), object.doc]);
  }
  return [...byTemplate].flatMap(([source, docs]) => {
    // Each document converted once; one that cannot be read is left out.
    const readable = docs.flatMap((doc) => {
      try {
        return [fromCrdSchema([doc], { source })];
      } catch {
        return [];
      }
    });
    const data = mergeCrdSchemas(readable, { source });
    return Object.keys(data.kinds).length ? [data] : [];
  });
}
