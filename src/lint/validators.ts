// The schema validators a lint run uses: per target Kubernetes version, the
// built-in kinds and the CRD files of the crds input for every values set,
// and for a set that renders custom resources, the chart's own CRDs too
// (chart-crds.ts). Picks, per set, the CRDs that define a kind it renders.
import { readFileSync } from 'node:fs';
import { InputError } from '../inputs/errors.js';
import { ChartCrds, renderedCrds } from './chart-crds.js';
import type { RenderedObject } from './rules/model.js';
import { fromCrdSchema, kindKey, type SchemaData } from './schema-data.js';
import {
  createValidator,
  loadCompiler,
  type CompileSource,
  type KubernetesValidator,
} from './schema.js';
import type { LintSettings } from './settings.js';
import type { Target } from './stages/context.js';
import { parseYamlDocuments } from './yaml-documents.js';

function loadCrdFiles(files: readonly string[]): SchemaData[] {
  return files.map((file) => {
    let docs: unknown[];
    try {
      docs = parseYamlDocuments(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InputError(
        'crds',
        file,
        `CustomResourceDefinition YAML (${(error as Error).message.split('\n')[0]})`,
      );
    }
    const data = fromCrdSchema(docs, { source: file });
    if (!Object.keys(data.kinds).length) {
      throw new InputError(
        'crds',
        file,
        'files with at least one CustomResourceDefinition that has a schema',
      );
    }
    return data;
  });
}

/** Memoizes a function of one key. */
export function cached<K, V>(make: (key: K) => V): (key: K) => V {
  const values = new Map<K, V>();
  return (key) => {
    if (!values.has(key)) values.set(key, make(key));
    return values.get(key)!;
  };
}

/** The validator of a target for the objects a values set rendered. */
export type ValidatorFor = (
  target: Target,
  objects: readonly RenderedObject[],
) => Promise<KubernetesValidator>;

/**
 * Validators per target: the built-in kinds and the crds input for every
 * set, and, for a set that renders custom resources the chart may define,
 * one with the chart's CRDs (crds/ and rendered) too. ajv comes in only when
 * there are CRDs to compile, and the chart's are read only for such a set:
 * a chart without custom resources costs nothing.
 */
export async function validators(settings: LintSettings, schemaDir: string): Promise<ValidatorFor> {
  const userCrds = loadCrdFiles(settings.crdFiles);
  const chartCrds = new ChartCrds(settings.chartDir, settings.workspace);
  let compiler: Promise<CompileSource> | undefined;
  const compile = () => (compiler ??= loadCompiler());
  const forUser = userCrds.length ? await compile() : undefined;
  const setup = (minor: string) => ({
    schemaDir,
    minor,
    strict: settings.strict,
    userCrds,
  });
  const base = cached<string, KubernetesValidator>((minor) =>
    createValidator({ ...setup(minor), compile: forUser }),
  );
  const withChart = new Map<string, Promise<KubernetesValidator>>();
  return async (target: Target, objects: readonly RenderedObject[]) => {
    const validator = base(target.minor);
    const needed = objects.filter((o) => validator.takesChartCrd(o.doc)).map((o) => o.doc);
    if (!needed.length) return validator;
    const keys = new Set(needed.map((doc) => kindKey(String(doc.apiVersion), String(doc.kind))));
    // Only CRDs that define a kind the set renders: others would load ajv for nothing.
    const useful = (data: SchemaData) => Object.keys(data.kinds).some((key) => keys.has(key));
    const names = [...new Set(needed.map((doc) => String(doc.kind)))];
    const fromFiles = chartCrds.empty ? [] : chartCrds.defining(names).filter(useful);
    const rendered = renderedCrds(objects).filter(useful);
    if (!fromFiles.length && !rendered.length) return validator;
    const key = JSON.stringify([target.minor, fromFiles.map((d) => d.source), rendered]);
    if (!withChart.has(key))
      withChart.set(
        key,
        compile().then((c) =>
          createValidator({
            ...setup(target.minor),
            chartCrds: fromFiles,
            renderedCrds: rendered,
            compile: c,
          }),
        ),
      );
    return withChart.get(key)!;
  };
}
