// The CustomResourceDefinitions a chart brings for its own custom resources,
// which validate them as the user's CRDs do (the crds input):
// - the files under `crds/` of the chart and of every subchart vendored as a
//   directory under `charts/`, which helm installs before the templates
//   (helm's chart.CRDObjects: `crds/` files ending in .yaml, .yml or .json,
//   not templated);
// - the same files inside the subchart archives (`charts/*.tgz`, what
//   `helm dependency build` leaves), read by `helm show crds <archive>` so
//   that helm's own loader opens them, nested archives included;
// - CRDs a values set renders from templates (cert-manager's
//   `crds.enabled=true`).
// Nothing is read unless a rendered object needs a CRD (run.ts): a chart
// without `crds/` costs a directory listing, and the schema compiler (ajv)
// stays unloaded.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../inputs/errors.js';
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

/** The CRD files of a subchart archive, as `helm show crds` prints them; throws with helm's message. */
export type ArchiveCrds = (archive: string) => Promise<string>;

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
 * Subchart archives are opened (one helm process each) only when a set asks
 * for a kind, each once. Files without a CRD (a kustomization.yaml) are
 * ignored, as helm installs them as they are; a file that does not parse is
 * an error naming the chart.
 */
export class ChartCrds {
  private readonly files: string[];
  private readonly archives: string[];
  private readonly texts = new Map<string, string>();
  private readonly archiveTexts = new Map<string, Promise<string>>();
  private readonly parsed = new Map<string, SchemaData>();

  /**
   * @param relativeTo what `source` of each result is relative to (the workspace)
   * @param archiveCrds reads a subchart archive's CRDs; without it archives are not read
   */
  constructor(
    private readonly chartDir: string,
    private readonly relativeTo: string,
    private readonly archiveCrds?: ArchiveCrds,
  ) {
    this.files = chartCrdFiles(chartDir);
    this.archives = archiveCrds ? subchartArchives(chartDir) : [];
  }

  get empty(): boolean {
    return !this.files.length && !this.archives.length;
  }

  /** Schemas of the files and archives that may define one of `kinds` (names such as `IngressRoute`), one per file with a CRD. */
  async defining(kinds: readonly string[]): Promise<SchemaData[]> {
    const words = kinds.map((kind) => new RegExp(`\\b${kind.replace(/[^\w]/g, '\\$&')}\\b`));
    return this.schemas((text) => words.some((word) => word.test(text)));
  }

  /** Schemas of every file and archive. */
  all(): Promise<SchemaData[]> {
    return this.schemas(() => true);
  }

  private async schemas(wanted: (text: string) => boolean): Promise<SchemaData[]> {
    const sources = [
      ...this.files.map((file) => ({ file, text: this.text(file) })),
      ...(await Promise.all(
        this.archives.map(async (file) => ({ file, text: await this.archiveText(file) })),
      )),
    ];
    return sources
      .filter(({ text }) => wanted(text))
      .map(({ file, text }) => this.schemaOf(file, text))
      .filter((data) => Object.keys(data.kinds).length);
  }

  private text(file: string): string {
    let text = this.texts.get(file);
    if (text === undefined) this.texts.set(file, (text = readFileSync(file, 'utf8')));
    return text;
  }

  private archiveText(archive: string): Promise<string> {
    let text = this.archiveTexts.get(archive);
    if (!text) {
      text = this.archiveCrds!(archive).catch((error: unknown) => {
        throw new InputError(
          'chart',
          this.chartDir,
          `a chart whose subchart archives helm can read (${path.relative(this.relativeTo, archive)}: ${(error as Error).message})`,
        );
      });
      this.archiveTexts.set(archive, text);
    }
    return text;
  }

  private schemaOf(file: string, text: string): SchemaData {
    let data = this.parsed.get(file);
    if (!data) {
      const source = path.relative(this.relativeTo, file);
      data = readCrdFile(file, text, this.chartDir, source);
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
