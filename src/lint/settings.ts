// Validates the lint inputs into settings before any tool runs: every bad
// value fails here with an InputError naming the input, the value and what
// is expected.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { runCommand } from '../exec/command.js';
import { InputError } from '../inputs/errors.js';
import { parseBoolean, parseDnsLabel, parseInteger, parseList } from '../inputs/parse.js';
import { ENV_PLACEHOLDER, ciSets, environmentSet, type ValuesSet } from './plan.js';
import { parsePolicy, type PolicyConfig } from './policy-config.js';
import { SUPPORTED_KUBERNETES_MINORS } from './schema.js';
import { chartMetadata } from '../helm/chart-metadata.js';

/** The action's inputs as the runner passes them (strings, defaults applied). */
export interface LintInputs {
  chart: string;
  environments: string;
  'values-files': string;
  'ci-values': string;
  'kubernetes-versions': string;
  strict: string;
  policy: string;
  'base-ref': string;
  helm: string;
  'release-name': string;
  namespace: string;
  'api-versions': string;
  crds: string;
  concurrency: string;
}

export interface KubernetesTarget {
  /** `1.36` */
  minor: string;
  /** As given (`1.36.3`), or undefined for a bare minor (the schema data's patch is used). */
  version?: string;
}

export interface LintSettings {
  workspace: string;
  chartDir: string;
  /** `type: library` in Chart.yaml: helm lint only, as helm template refuses such a chart. */
  library: boolean;
  sets: ValuesSet[];
  kubernetes: KubernetesTarget[];
  strict: boolean;
  policy: PolicyConfig;
  baseRef?: string;
  /** helm as given: a name looked up on PATH or a path. */
  helm: string;
  release?: string;
  namespace: string;
  apiVersions: string[];
  crdFiles: string[];
  concurrency: number;
}

/** Resolves a path input inside the workspace (symlinks followed), or throws naming the input. */
export function workspacePath(input: string, raw: string, workspace: string): string {
  const root = realpathSync(workspace);
  const resolved = path.resolve(root, raw.trim());
  const real = existsSync(resolved) ? realpathSync(resolved) : resolved;
  const rel = path.relative(root, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError(input, raw, `a path inside the workspace ${workspace}`);
  }
  return real;
}

const KUBE_VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

export function parseKubernetesVersions(input: string, raw: string): KubernetesTarget[] {
  const items = parseList(raw);
  const expected = `Kubernetes versions such as 1.36 or v1.34.4, each of a supported minor (${SUPPORTED_KUBERNETES_MINORS.join(', ')})`;
  if (!items.length) throw new InputError(input, raw, expected);
  const targets: KubernetesTarget[] = [];
  for (const item of items) {
    const match = KUBE_VERSION.exec(item);
    if (!match) throw new InputError(input, item, expected);
    const minor = `${Number(match[1])}.${Number(match[2])}`;
    if (!(SUPPORTED_KUBERNETES_MINORS as readonly string[]).includes(minor))
      throw new InputError(input, item, expected);
    if (targets.some((t) => t.minor === minor))
      throw new InputError(input, raw, `each minor version once (${minor} is repeated)`);
    targets.push({
      minor,
      ...(match[3] !== undefined ? { version: `${minor}.${Number(match[3])}` } : {}),
    });
  }
  return targets;
}

const API_VERSION =
  /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?(?:\/[A-Z][A-Za-z0-9]*)?$/;

async function verifyBaseRef(
  input: string,
  raw: string,
  workspace: string,
): Promise<string | undefined> {
  const ref = raw.trim();
  if (!ref) return undefined;
  if (ref.startsWith('-') || /\s/.test(ref))
    throw new InputError(input, raw, 'a git ref or commit');
  const result = await runCommand('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd: workspace,
    allowFailure: true,
  }).catch(() => ({ code: 1 }));
  if (result.code !== 0) {
    throw new InputError(
      input,
      raw,
      'a git ref or commit present in the workspace clone (fetch it first, e.g. actions/checkout with fetch-depth: 0)',
    );
  }
  return ref;
}

function resolveChartDir(raw: string, workspace: string): string {
  const chartDir = workspacePath('chart', raw, workspace);
  if (!existsSync(path.join(chartDir, 'Chart.yaml'))) {
    throw new InputError(
      'chart',
      raw,
      'a chart directory (one with a Chart.yaml) inside the workspace',
    );
  }
  return chartDir;
}

/**
 * The release name the templates are rendered with when none is given: the
 * chart directory's name as helm takes it (a DNS label of at most 53
 * characters: lower case, anything else a dash), so a chart kept in
 * `My_Chart/` renders as `my-chart` instead of helm refusing the name.
 */
export function defaultReleaseName(chartDir: string): string {
  const name = path
    .basename(chartDir)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 53)
    .replace(/^-+|-+$/g, '');
  return name || 'release-name';
}

/** Whether Chart.yaml says `type: library` (helm compares it case-insensitively). */
export function isLibraryChart(chartDir: string): boolean {
  // A Chart.yaml that does not parse is helm lint's to report.
  const type = chartMetadata(chartDir)?.type;
  return typeof type === 'string' && type.toLowerCase() === 'library';
}

/** The one values set when no environment and no ci scenario is given. */
const DEFAULTS_SET = 'defaults';

function parseEnvironments(raw: string): string[] {
  const environments = parseList(raw);
  for (const env of environments) parseDnsLabel('environments', env);
  const repeated = environments.find((e, i) => environments.indexOf(e) !== i);
  if (repeated)
    throw new InputError('environments', raw, `each environment once ('${repeated}' is repeated)`);
  return environments;
}

/** A set whose values files are inside the workspace and present. */
function checkedSet(set: ValuesSet, patterns: readonly string[], workspace: string, root: string) {
  set.files.forEach((file, i) => {
    const pattern = patterns[i]!;
    workspacePath('values-files', path.relative(root, file), workspace);
    if (existsSync(file) && statSync(file).isFile()) return;
    const rel = path.relative(root, file);
    if (pattern.includes(ENV_PLACEHOLDER)) {
      throw new InputError(
        'environments',
        set.name,
        `environments that have values files (${rel} does not exist)`,
      );
    }
    throw new InputError('values-files', pattern, `existing values files (${rel} does not exist)`);
  });
  return set;
}

function valuesSets(inputs: LintInputs, chartDir: string, workspace: string, root: string) {
  const environments = parseEnvironments(inputs.environments);
  // No values files: each environment lints the chart's own defaults (under its policy levels).
  const patterns = parseList(inputs['values-files']);
  for (const pattern of patterns)
    workspacePath('values-files', pattern.split(ENV_PLACEHOLDER).join('x'), workspace);
  const sets = environments.map((env) =>
    checkedSet(environmentSet(env, patterns, root), patterns, workspace, root),
  );
  if (parseBoolean('ci-values', inputs['ci-values'], true)) sets.push(...ciSets(chartDir));
  // Nothing named and no ci scenarios: the chart's own values (with the files
  // shared by every environment), as `helm lint` and chart-testing lint a
  // chart without ci/*-values.yaml.
  if (!sets.length) {
    const shared = patterns.filter((p) => !p.includes(ENV_PLACEHOLDER));
    sets.push(checkedSet(environmentSet(DEFAULTS_SET, shared, root), shared, workspace, root));
  }
  return sets;
}

function resolveCrdFiles(raw: string, workspace: string): string[] {
  return parseList(raw).map((file) => {
    const resolved = workspacePath('crds', file, workspace);
    if (!existsSync(resolved))
      throw new InputError('crds', file, 'existing CustomResourceDefinition YAML files');
    return resolved;
  });
}

function parseApiVersions(raw: string): string[] {
  const apiVersions = parseList(raw);
  for (const v of apiVersions) {
    if (!API_VERSION.test(v))
      throw new InputError(
        'api-versions',
        v,
        'API versions such as monitoring.coreos.com/v1 or apps/v1/Deployment',
      );
  }
  return apiVersions;
}

/** A name looked up on PATH later, or a path that must exist (absolute from here on). */
function resolveHelm(raw: string, workspace: string): string {
  const helm = raw.trim() || 'helm';
  if (!helm.includes('/')) return helm;
  if (!existsSync(path.resolve(workspace, helm)))
    throw new InputError('helm', raw, 'the helm binary: a name on PATH or an existing path');
  return path.resolve(workspace, helm);
}

export async function resolveLintSettings(
  inputs: LintInputs,
  workspace: string,
): Promise<LintSettings> {
  const chartDir = resolveChartDir(inputs.chart, workspace);
  const root = realpathSync(workspace);
  const sets = valuesSets(inputs, chartDir, workspace, root);
  const crdFiles = resolveCrdFiles(inputs.crds, workspace);
  const apiVersions = parseApiVersions(inputs['api-versions']);
  const release = inputs['release-name'].trim()
    ? parseDnsLabel('release-name', inputs['release-name'], 53)
    : undefined;
  const helm = resolveHelm(inputs.helm, workspace);
  return {
    workspace: root,
    chartDir,
    library: isLibraryChart(chartDir),
    sets,
    kubernetes: parseKubernetesVersions('kubernetes-versions', inputs['kubernetes-versions']),
    strict: parseBoolean('strict', inputs.strict, true),
    policy: parsePolicy('policy', inputs.policy),
    baseRef: await verifyBaseRef('base-ref', inputs['base-ref'], root),
    helm,
    ...(release ? { release } : {}),
    namespace: parseDnsLabel('namespace', inputs.namespace.trim() || 'default'),
    apiVersions,
    crdFiles,
    concurrency: parseInteger('concurrency', inputs.concurrency, {
      min: 1,
      max: 64,
      fallback: availableParallelism(),
    }),
  };
}
