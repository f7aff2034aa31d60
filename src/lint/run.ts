// Lints a chart for every values set: values files parse, `helm lint`,
// `helm template` per Kubernetes version, schema validation of every
// rendered object and the policy rules; helm calls run in parallel with
// bounded concurrency. Returns findings and summary rows; reporting is the
// caller's.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { Helm } from '../helm/helm.js';
import { helmLint, helmTemplate, splitManifest, type RenderRequest } from '../helm/render.js';
import { InputError } from '../inputs/errors.js';
import { rowFrom, skippedRow, type CheckRow, type Finding } from './findings.js';
import { helmErrorFindings, lintFindings, type HelmFinding } from './helm-messages.js';
import { createLimiter } from './limiter.js';
import { Locator } from './locate.js';
import type { ValuesSet } from './plan.js';
import { RULE_NAMES, checkPolicies, type RenderedObject, type RuleName } from './policies.js';
import { DEFAULT_KEY, levelsFor, type RuleLevels } from './policy-config.js';
import { fromCrdSchema, type SchemaData } from './schema-data.js';
import {
  createValidator,
  loadCompiler,
  loadKubernetesSchema,
  type KubernetesValidator,
} from './schema.js';
import type { LintSettings } from './settings.js';
import { readValuesFile, type ValuesFile } from './values-files.js';
import { checkVersionBump } from './version-bump.js';

export interface LintContext {
  helm: Helm;
  /** Directory of the schema data (actions/lint/schemas). */
  schemaDir: string;
  /** Where rendered manifests are written (under RUNNER_TEMP). */
  outputDir: string;
  log?: (line: string) => void;
}

export interface SetResult {
  name: string;
  kind: ValuesSet['kind'];
  result: 'pass' | 'fail';
  rows: CheckRow[];
  /** Rendered manifest per Kubernetes minor. */
  manifests: Record<string, string>;
}

export interface LintReport {
  result: 'pass' | 'fail';
  sets: SetResult[];
  /** Chart-wide rows (chart version). */
  chartRows: CheckRow[];
  findings: Finding[];
  kubernetes: { minor: string; version: string; source: string }[];
  outputDir: string;
}

interface Target {
  minor: string;
  version: string;
  data: SchemaData;
}

function loadCrdFiles(files: readonly string[]): SchemaData[] {
  return files.map((file) => {
    let docs: unknown[];
    try {
      docs = yaml.loadAll(readFileSync(file, 'utf8'));
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

function policyLevels(settings: LintSettings, set: ValuesSet): RuleLevels {
  if (settings.policy[set.name]) return settings.policy[set.name]!;
  if (set.kind === 'ci' && settings.policy.ci) return settings.policy.ci;
  return levelsFor(settings.policy, set.kind === 'ci' ? DEFAULT_KEY : set.name);
}

function describeLevels(levels: RuleLevels): string {
  const counts = { error: 0, warning: 0, off: 0 };
  for (const rule of RULE_NAMES) counts[levels[rule]]++;
  return (['error', 'warning', 'off'] as const)
    .filter((l) => counts[l])
    .map((l) => `${counts[l]} ${l === 'off' ? 'off' : `as ${l}s`}`)
    .join(', ');
}

function get(root: unknown, p: readonly (string | number)[]): unknown {
  let node = root;
  for (const seg of p) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

function pointerPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export async function lintChart(settings: LintSettings, ctx: LintContext): Promise<LintReport> {
  const log = ctx.log ?? (() => {});
  const userCrds = loadCrdFiles(settings.crdFiles);
  // ajv comes in only to compile the user's CRDs; the rest is generated code.
  const compile = userCrds.length ? await loadCompiler() : undefined;
  const targets: Target[] = settings.kubernetes.map((k) => {
    const data = loadKubernetesSchema(ctx.schemaDir, k.minor);
    return { minor: k.minor, version: k.version ?? data.kubernetesVersion ?? `${k.minor}.0`, data };
  });
  // Newest first: helm lint runs against the newest target.
  targets.sort((a, b) => Number(b.minor.split('.')[1]) - Number(a.minor.split('.')[1]));
  const validators = new Map<string, KubernetesValidator>();
  const validatorFor = (target: Target) => {
    let v = validators.get(target.minor);
    if (!v) {
      v = createValidator({
        schemaDir: ctx.schemaDir,
        minor: target.minor,
        strict: settings.strict,
        userCrds,
        compile,
      });
      validators.set(target.minor, v);
    }
    return v;
  };

  const limit = createLimiter(settings.concurrency);
  // The chart's values.yaml (and shared files) are in every set: parse each file once.
  const parsedValues = new Map<string, ValuesFile>();
  const readValues = (file: string): ValuesFile => {
    let parsed = parsedValues.get(file);
    if (!parsed) {
      parsed = readValuesFile(file);
      parsedValues.set(file, parsed);
    }
    return parsed;
  };
  const chartValues = path.join(settings.chartDir, 'values.yaml');
  const findings: Finding[] = [];

  const lintSet = async (set: ValuesSet): Promise<SetResult> => {
    const setFindings: Finding[] = [];
    const add = (f: Omit<Finding, 'set'>) => setFindings.push({ ...f, set: set.name });
    const rows: CheckRow[] = [];
    const manifests: Record<string, string> = {};

    // 1. values files parse (helm would stop at the first with a less precise message)
    const valuesFiles: ValuesFile[] = [chartValues, ...set.files]
      .filter((f, i) => i > 0 || existsSync(f))
      .map(readValues);
    for (const file of valuesFiles) {
      for (const error of file.errors) {
        add({
          check: 'values',
          severity: 'error',
          title: 'values: YAML syntax',
          message: `${path.basename(file.file)}: ${error.message}`,
          file: file.file,
          line: error.line,
          column: error.column,
        });
      }
    }
    rows.push(
      rowFrom(
        set.name,
        'values',
        setFindings,
        `${valuesFiles.length} file(s): ${valuesFiles.map((f) => path.relative(settings.workspace, f.file)).join(', ')}`,
      ),
    );
    if (setFindings.length) {
      for (const check of ['helm lint', 'helm template', 'schema', 'policy']) {
        rows.push(skippedRow(set.name, check, 'skipped: a values file does not parse'));
      }
      findings.push(...setFindings);
      return { name: set.name, kind: set.kind, result: 'fail', rows, manifests };
    }

    const locator = new Locator(settings.chartDir, valuesFiles);
    const helmFinding = (
      check: Finding['check'],
      title: string,
      f: HelmFinding,
    ): Omit<Finding, 'set'> => {
      const at = locator.place(f.place);
      return {
        check,
        severity: f.severity,
        title,
        message: f.message,
        file: at.file,
        line: at.line,
        ...(at.column ? { column: at.column } : {}),
      };
    };
    const request = (target: Target): RenderRequest => ({
      chart: settings.chartDir,
      valuesFiles: set.files,
      kubeVersion: target.version,
      apiVersions: settings.apiVersions,
      release: settings.release ?? path.basename(settings.chartDir),
      namespace: settings.namespace,
    });

    // 2. helm lint (once, for the newest target) and helm template per target, in parallel
    const newest = targets[0]!;
    const lintDone = limit(() =>
      helmLint(ctx.helm, request(newest), { strict: settings.strict }),
    ).then((result) => {
      const before = setFindings.length;
      for (const f of lintFindings(result.messages)) {
        add(
          helmFinding('helm lint', 'helm lint', {
            ...f,
            severity: settings.strict ? 'error' : f.severity,
          }),
        );
      }
      if (result.error)
        for (const f of helmErrorFindings(result.error))
          add(helmFinding('helm lint', 'helm lint', f));
      if (!result.ok && setFindings.length === before) {
        add(
          helmFinding('helm lint', 'helm lint', {
            severity: 'error',
            message: 'helm lint failed without a message',
            place: { kind: 'chart-file', path: 'Chart.yaml' },
          }),
        );
      }
      const mine = setFindings.filter((f) => f.check === 'helm lint');
      rows.push(
        rowFrom(
          set.name,
          'helm lint',
          mine,
          `helm lint${settings.strict ? ' --strict' : ''} (Kubernetes ${newest.version})`,
        ),
      );
      log(`${set.name}: helm lint ${mine.length ? `${mine.length} finding(s)` : 'ok'}`);
    });

    const levels = policyLevels(settings, set);
    const activeRules = RULE_NAMES.filter((r) => levels[r] !== 'off');
    const policySeen = new Set<string>();
    const rendered: { target: Target; ok: boolean; objects: number; error?: string }[] = [];

    const templateDone = targets.map((target) =>
      limit(() => helmTemplate(ctx.helm, request(target))).then((result) => {
        const title = `helm template (Kubernetes ${target.minor})`;
        if (!result.ok) {
          for (const f of helmErrorFindings(result.error ?? 'helm template failed'))
            add(helmFinding('helm template', title, f));
          rendered.push({ target, ok: false, objects: 0, error: result.error });
          rows.push(
            skippedRow(
              set.name,
              `schema (Kubernetes ${target.minor})`,
              'skipped: helm template failed',
            ),
          );
          return;
        }
        const dir = path.join(ctx.outputDir, set.name.replace(/[^A-Za-z0-9._-]/g, '_'));
        mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `kubernetes-${target.minor}.yaml`);
        // Rendered Secrets carry their data: readable by the runner user only.
        writeFileSync(file, result.manifest, { mode: 0o600 });
        manifests[target.minor] = file;

        const objects: RenderedObject[] = [];
        for (const doc of splitManifest(result.manifest)) {
          try {
            for (const value of yaml.loadAll(doc.text)) {
              if (value !== null && value !== undefined)
                objects.push({ doc: value as Record<string, unknown>, source: doc.source });
            }
          } catch (error) {
            const at = locator.place({ kind: 'template', source: doc.source });
            add({
              check: 'helm template',
              severity: 'error',
              title,
              message: `${doc.source}: rendered YAML does not parse: ${(error as Error).message.split('\n')[0]}`,
              file: at.file,
              line: at.line,
            });
          }
        }
        rendered.push({ target, ok: true, objects: objects.length });

        // 3. schema
        const validator = validatorFor(target);
        const schemaTitle = `schema (Kubernetes ${target.minor})`;
        const before = setFindings.length;
        let valid = 0;
        const skipped: string[] = [];
        for (const object of objects) {
          const outcome = validator.validate(object.doc);
          const name = `${String(object.doc.kind ?? '?')}/${String(get(object.doc, ['metadata', 'name']) ?? '?')}`;
          if (outcome.status === 'valid') {
            valid++;
          } else if (outcome.status === 'skipped') {
            skipped.push(`${object.doc.apiVersion} ${object.doc.kind}`);
            const at = locator.templateField(object.source, ['kind']);
            add({
              check: 'schema',
              severity: 'notice',
              title: schemaTitle,
              message: `${name} skipped: ${outcome.reason} (pass its CRD in the crds input to validate it)`,
              file: at.file,
              line: at.line,
            });
          } else {
            for (const issue of outcome.issues) {
              const field = pointerPath(issue.path);
              const value = get(object.doc, field);
              const leaf = [...field].reverse().find((s): s is string => typeof s === 'string');
              const scalar =
                value === undefined || (value !== null && typeof value === 'object')
                  ? undefined
                  : value;
              const at =
                locator.templateLiteral(object.source, field, scalar) ??
                (leaf && leaf !== 'apiVersion' && leaf !== 'kind'
                  ? locator.valuesHint(
                      { keys: [leaf], ...(scalar !== undefined ? { value: scalar } : {}) },
                      [],
                      { requireValue: true },
                    )
                  : undefined) ??
                locator.templateField(object.source, field);
              const where = field.length ? field.join('.') : '(object)';
              add({
                check: 'schema',
                severity: 'error',
                title: schemaTitle,
                message: `${name} ${where}: ${issue.message}`,
                file: at.file,
                line: at.line,
                ...(at.column ? { column: at.column } : {}),
              });
            }
          }
        }
        const schemaFindings = setFindings.slice(before).filter((f) => f.check === 'schema');
        const notes = [`${valid}/${objects.length} objects valid`];
        if (skipped.length)
          notes.push(`${skipped.length} skipped: no schema (${[...new Set(skipped)].join(', ')})`);
        rows.push(
          rowFrom(
            set.name,
            schemaTitle,
            schemaFindings,
            `${notes.join('; ')}; ${target.data.source}${settings.strict ? ', unknown fields rejected' : ''}`,
          ),
        );

        // 4. policy rules (the same violation from two versions is one finding)
        for (const v of checkPolicies(objects, activeRules as RuleName[])) {
          const key = `${v.rule}\u0000${v.object}\u0000${v.message}`;
          if (policySeen.has(key)) continue;
          policySeen.add(key);
          const at =
            locator.templateLiteral(v.source, v.field, v.rendered) ??
            locator.valuesHint(v.hint, v.context) ??
            locator.templateField(v.source, v.field);
          add({
            check: 'policy',
            severity: levels[v.rule] === 'error' ? 'error' : 'warning',
            title: `policy/${v.rule}`,
            message: v.message,
            file: at.file,
            line: at.line,
            ...(at.column ? { column: at.column } : {}),
          });
        }
      }),
    );

    await Promise.all([lintDone, ...templateDone]);

    const templateFindings = setFindings.filter((f) => f.check === 'helm template');
    const renderedNote = rendered
      .sort((a, b) => (a.target.minor < b.target.minor ? 1 : -1))
      .map((r) =>
        r.ok ? `${r.objects} objects for ${r.target.version}` : `failed for ${r.target.version}`,
      )
      .join('; ');
    rows.push(rowFrom(set.name, 'helm template', templateFindings, renderedNote));
    if (rendered.some((r) => r.ok)) {
      rows.push(
        rowFrom(
          set.name,
          'policy',
          setFindings.filter((f) => f.check === 'policy'),
          `${RULE_NAMES.length} rules: ${describeLevels(levels)}`,
        ),
      );
    } else {
      rows.push(skippedRow(set.name, 'policy', 'skipped: nothing rendered'));
    }
    findings.push(...setFindings);
    const order = ['values', 'helm lint', 'helm template', 'schema', 'policy'];
    rows.sort(
      (a, b) =>
        order.findIndex((o) => a.check.startsWith(o)) -
          order.findIndex((o) => b.check.startsWith(o)) || (a.check < b.check ? 1 : -1),
    );
    return {
      name: set.name,
      kind: set.kind,
      result: rows.some((r) => r.status === 'fail') ? 'fail' : 'pass',
      rows,
      manifests,
    };
  };

  const chartRows: CheckRow[] = [];
  const bump = settings.baseRef
    ? checkVersionBump(settings.chartDir, settings.baseRef).then((result) => {
        const chartYaml = path.join(settings.chartDir, 'Chart.yaml');
        const locator = new Locator(settings.chartDir, []);
        const rowFindings: Finding[] = [];
        if (result.status === 'fail') {
          rowFindings.push({
            set: '',
            check: 'chart version',
            severity: 'error',
            title: 'chart version',
            message: result.message,
            file: chartYaml,
            line: locator.lineOfKey(chartYaml, 'version'),
          });
        }
        findings.push(...rowFindings);
        chartRows.push(rowFrom('(chart)', 'chart version', rowFindings, result.message));
        log(`chart version: ${result.message}`);
      })
    : Promise.resolve();

  mkdirSync(ctx.outputDir, { recursive: true });
  const [sets] = await Promise.all([Promise.all(settings.sets.map(lintSet)), bump]);
  const failed =
    sets.some((s) => s.result === 'fail') || chartRows.some((r) => r.status === 'fail');
  return {
    result: failed ? 'fail' : 'pass',
    sets,
    chartRows,
    findings,
    kubernetes: targets.map((t) => ({ minor: t.minor, version: t.version, source: t.data.source })),
    outputDir: ctx.outputDir,
  };
}
