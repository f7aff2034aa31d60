// Turns the raw deploy inputs into one validated settings object. Everything
// here runs before any command touches a cluster: a bad input fails the run
// with a message naming the input, the value and what is expected.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { InputError } from '../inputs/errors.js';
import { checkImageValues, parseImageValues } from './image-values.js';
import {
  parseBoolean,
  parseChoice,
  parseDnsLabel,
  parseDuration,
  parseInteger,
  parseList,
} from '../inputs/parse.js';
import {
  MAX_FILE_YAML_BYTES,
  MAX_INPUT_YAML_BYTES,
  parseBoundedYaml,
  sizeProblem,
  YamlProblem,
} from '../inputs/yaml.js';
import { parseOverrides } from './overrides.js';

export { parseOverrides } from './overrides.js';

export type WaitStrategy = 'watch' | 'helm' | 'none';

export interface DeploySettings {
  release: string;
  chart: ChartSource;
  namespace: string;
  createNamespace: boolean;
  environment: string;
  /** Absolute paths, in the order helm applies them. */
  valuesFiles: string[];
  /** Non-secret `key=value` overrides, passed with --set. */
  overrides: string[];
  /** Parsed secret values (a mapping); never logged. */
  secretValues: Record<string, unknown> | undefined;
  imageTag: string;
  imageDigest: string;
  /** Value paths of the chart's image mappings, where image-tag/image-digest go. */
  imageValues: string[];
  helmBin: string;
  /** Undefined: detected from `helm version`. */
  helmMajor: 3 | 4 | undefined;
  kubectlBin: string;
  timeoutMs: number;
  wait: WaitStrategy;
  rollbackOnFailure: boolean;
  keepFailedInstall: boolean;
  historyMax: number;
  kubeconfig: string;
  kubeContext: string;
  diff: boolean;
  diffOnly: boolean;
  stuckMaxAgeMs: number;
  crashLoopRestarts: number;
  unschedulableGraceMs: number;
  /** A new revision that its update strategy keeps from running (OnDelete, paused) fails the deploy. */
  requireRollout: boolean;
  githubToken: string;
  environmentUrl: string;
}

export type ChartSource =
  | { kind: 'local'; path: string }
  | {
      kind: 'oci';
      ref: string;
      version: string;
      registryUsername: string;
      registryPassword: string;
      /** Plain HTTP to the registry (a local registry without TLS). */
      plainHttp: boolean;
    };

/** Reads one input by its action.yml name ('' when unset). */
export type InputReader = (name: string) => string;

export interface SettingsContext {
  /** GITHUB_WORKSPACE: every file input must resolve inside it. */
  workspace: string;
}

/** Helm's release name rule: DNS-1123 subdomain-like, at most 53 characters. */
export function parseReleaseName(input: string, raw: string): string {
  const value = raw.trim();
  if (
    value.length === 0 ||
    value.length > 53 ||
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)
  ) {
    throw new InputError(
      input,
      raw,
      "a helm release name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 53 characters",
    );
  }
  return value;
}

/** A file input: must exist, be a regular file and stay inside the workspace (symlinks resolved). */
export function parseWorkspaceFile(input: string, raw: string, workspace: string): string {
  const value = raw.trim();
  if (value === '') throw new InputError(input, raw, 'a file path inside the workspace');
  const root = realpathSync(workspace);
  const absolute = path.resolve(root, value);
  if (!existsSync(absolute)) {
    throw new InputError(input, raw, 'an existing file inside the workspace (it does not exist)');
  }
  const real = realpathSync(absolute);
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new InputError(input, raw, `a path inside the workspace ${root}`);
  }
  return real;
}

/** A YAML file: size checked before it is read, parsed with alias expansion bounded. */
export function readYamlFile(input: string, raw: string, file: string): unknown {
  const stat = statSync(file);
  if (!stat.isFile()) throw new InputError(input, raw, 'a YAML file, not a directory');
  const tooBig = sizeProblem(stat.size, MAX_FILE_YAML_BYTES);
  if (tooBig) throw new InputError(input, raw, `a YAML file (${tooBig.message})`);
  try {
    return parseBoundedYaml(readFileSync(file, 'utf8'), MAX_FILE_YAML_BYTES);
  } catch (error) {
    if (!(error instanceof YamlProblem)) throw error;
    throw new InputError(input, raw, `a file holding valid YAML (${error.message})`);
  }
}

function parseYamlFile(input: string, raw: string, file: string): void {
  const doc = readYamlFile(input, raw, file);
  if (doc !== undefined && doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) {
    throw new InputError(input, raw, 'a YAML file holding a mapping of values');
  }
}

/** Secret values: a YAML mapping. The error never repeats the value. */
export function parseSecretValues(input: string, raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === '') return undefined;
  let doc: unknown;
  try {
    doc = parseBoundedYaml(raw, MAX_INPUT_YAML_BYTES);
  } catch (error) {
    if (!(error instanceof YamlProblem)) throw error;
    // Only where, never what: the library's message may quote a piece of the value.
    const why = error.where
      ? `syntax error at line ${error.where.line}, column ${error.where.column}`
      : error.message;
    throw new InputError(input, '(secret, not shown)', `a YAML mapping of values (${why})`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(input, '(secret, not shown)', 'a YAML mapping of values');
  }
  return doc as Record<string, unknown>;
}

export function parseDigest(input: string, raw: string): string {
  const value = raw.trim();
  if (value === '') return '';
  if (!/^sha256:[0-9a-f]{64}$/.test(value)) {
    throw new InputError(
      input,
      raw,
      "an image digest 'sha256:' followed by 64 lowercase hex digits",
    );
  }
  return value;
}

export function parseImageTag(input: string, raw: string): string {
  const value = raw.trim();
  if (value === '') return '';
  // Docker's tag grammar.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(value)) {
    throw new InputError(input, raw, "an image tag: letters, digits, '_', '.', '-', at most 128");
  }
  return value;
}

/** A local chart directory or packaged .tgz inside the workspace, or an oci:// reference. */
function parseChart(read: InputReader, ctx: SettingsContext): ChartSource {
  const raw = read('chart');
  const value = raw.trim();
  if (value === '')
    throw new InputError('chart', raw, 'a chart directory, a .tgz or an oci:// reference');
  const version = read('chart-version').trim();
  if (value.startsWith('oci://')) {
    if (!/^oci:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/.test(value)) {
      throw new InputError(
        'chart',
        raw,
        'an OCI reference such as oci://registry.example.com/charts/hotswap',
      );
    }
    if (version === '') {
      throw new InputError(
        'chart-version',
        version,
        'a chart version when chart is an oci:// reference',
      );
    }
    // What helm itself accepts as a chart version: semver 2, an optional leading v.
    if (!semver.valid(version)) {
      throw new InputError('chart-version', version, 'a semantic version such as 1.2.3');
    }
    const registryUsername = read('registry-username').trim();
    const registryPassword = read('registry-password');
    if ((registryUsername === '') !== (registryPassword === '')) {
      throw new InputError(
        'registry-username',
        registryUsername,
        'registry-username and registry-password to be given together',
      );
    }
    const plainHttp = parseBoolean('registry-plain-http', read('registry-plain-http'), false);
    return { kind: 'oci', ref: value, version, registryUsername, registryPassword, plainHttp };
  }
  if (version !== '') {
    throw new InputError(
      'chart-version',
      version,
      'no version for a local chart (only with oci://)',
    );
  }
  const file = parseWorkspaceFile('chart', raw, ctx.workspace);
  const isDir = statSync(file).isDirectory();
  if (isDir && !existsSync(path.join(file, 'Chart.yaml'))) {
    throw new InputError('chart', raw, 'a chart directory containing Chart.yaml');
  }
  if (!isDir && !file.endsWith('.tgz')) {
    throw new InputError('chart', raw, 'a chart directory or a packaged chart (.tgz)');
  }
  return { kind: 'local', path: file };
}

export function parseDeploySettings(read: InputReader, ctx: SettingsContext): DeploySettings {
  const release = parseReleaseName('release', read('release'));
  const namespace = parseDnsLabel('namespace', read('namespace'));
  const chart = parseChart(read, ctx);

  const environment = read('environment').trim();
  if (environment !== '') parseDnsLabel('environment', environment);
  const valuesFiles = parseList(read('values-files')).map((f) => {
    const file = parseWorkspaceFile('values-files', f, ctx.workspace);
    parseYamlFile('values-files', f, file);
    return file;
  });

  const imageTag = parseImageTag('image-tag', read('image-tag'));
  const imageDigest = parseDigest('image-digest', read('image-digest'));
  const imageValues = parseImageValues(read('image-values'));
  if ((imageTag || imageDigest) && chart.kind === 'local' && statSync(chart.path).isDirectory()) {
    checkImageValues(imageValues, chart.path, valuesFiles);
  }

  const helmMajor = readHelmMajor(read);
  const helmBin = read('helm').trim() || 'helm';
  const kubectlBin = read('kubectl').trim() || 'kubectl';

  const kubeconfig = readKubeconfig(read);
  const kubeContext = readKubeContext(read);

  const timeoutMs = readRolloutTimeout(read);
  const stuckMaxAgeMs = parseDuration(
    'stuck-release-max-age',
    read('stuck-release-max-age'),
    600_000,
  );
  const unschedulableGraceMs = parseDuration(
    'unschedulable-grace',
    read('unschedulable-grace'),
    30_000,
  );
  const url = read('environment-url').trim();
  if (url !== '' && !/^https?:\/\/[^\s]+$/.test(url)) {
    throw new InputError('environment-url', url, 'an http:// or https:// URL');
  }

  const diffOnly = parseBoolean('diff-only', read('diff-only'), false);
  return {
    release,
    chart,
    namespace,
    createNamespace: parseBoolean('create-namespace', read('create-namespace'), false),
    environment,
    valuesFiles,
    overrides: parseOverrides('set', read('set')),
    secretValues: parseSecretValues('secret-values', read('secret-values')),
    imageTag,
    imageDigest,
    imageValues,
    helmBin,
    helmMajor,
    kubectlBin,
    timeoutMs,
    wait: parseChoice<WaitStrategy>('wait', read('wait'), ['watch', 'helm', 'none'], 'watch'),
    rollbackOnFailure: parseBoolean('rollback-on-failure', read('rollback-on-failure'), true),
    keepFailedInstall: parseBoolean('keep-failed-install', read('keep-failed-install'), false),
    historyMax: parseInteger('history-max', read('history-max'), {
      min: 0,
      max: 1000,
      fallback: 10,
    }),
    kubeconfig,
    kubeContext,
    diff: diffOnly || parseBoolean('diff', read('diff'), true),
    diffOnly,
    stuckMaxAgeMs,
    crashLoopRestarts: parseInteger('crash-loop-restarts', read('crash-loop-restarts'), {
      min: 0,
      max: 100,
      fallback: 2,
    }),
    unschedulableGraceMs,
    requireRollout: parseBoolean('require-rollout', read('require-rollout'), false),
    githubToken: read('token').trim(),
    environmentUrl: url,
  };
}

/** The kubeconfig may live outside the workspace (e.g. ~/.kube/config) but must be a readable YAML file. */
// Inputs deploy and rollback share, read the same way by both.

/** helm-major: '' (detect from the binary), 3 or 4. */
export function readHelmMajor(read: (name: string) => string): 3 | 4 | undefined {
  const raw = read('helm-major').trim();
  return raw === '' ? undefined : (Number(parseChoice('helm-major', raw, ['3', '4'])) as 3 | 4);
}

/** kubeconfig: '' (kubectl's default) or an existing kubeconfig file, as an absolute path. */
export function readKubeconfig(read: (name: string) => string): string {
  const raw = read('kubeconfig');
  return raw.trim() === '' ? '' : parseKubeconfigPath('kubeconfig', raw);
}

/** kube-context: '' (the kubeconfig's current context) or a context name. */
export function readKubeContext(read: (name: string) => string): string {
  const kubeContext = read('kube-context').trim();
  if (kubeContext !== '' && !/^[A-Za-z0-9@:_./-]+$/.test(kubeContext)) {
    throw new InputError('kube-context', kubeContext, 'a context name from the kubeconfig');
  }
  return kubeContext;
}

/** timeout: how long a rollout may take, 5m by default, at least 1s. */
export function readRolloutTimeout(read: (name: string) => string): number {
  const timeoutMs = parseDuration('timeout', read('timeout'), 300_000);
  if (timeoutMs < 1000)
    throw new InputError('timeout', read('timeout'), 'a duration of at least 1s');
  return timeoutMs;
}

export function parseKubeconfigPath(input: string, raw: string): string {
  const file = path.resolve(raw.trim());
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new InputError(input, raw, 'the path of an existing kubeconfig file');
  }
  let doc: unknown;
  try {
    doc = readYamlFile(input, raw, file);
  } catch {
    throw new InputError(input, raw, 'a kubeconfig file holding valid YAML');
  }
  if (!doc || typeof doc !== 'object')
    throw new InputError(input, raw, 'a kubeconfig file holding valid YAML');
  return file;
}
