// Turns the raw deploy inputs into one validated settings object. Everything
// here runs before any command touches a cluster: a bad input fails the run
// with a message naming the input, the value and what is expected.
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { InputError } from '../inputs/errors.js';
import { withoutCredentials } from '../secrets/redact.js';
import { checkImageValues, parseImageValues } from './image-values.js';
import { parseBoolean, parseDnsLabel, parseDuration, parseList } from '../inputs/parse.js';
import {
  MAX_INPUT_YAML_BYTES,
  parseBoundedYaml,
  readYamlFile,
  YamlProblem,
} from '../inputs/yaml.js';
import { parseOverrides } from './overrides.js';
import type { InputReader } from '../inputs/parse.js';
import {
  readClusterInputs,
  readReleaseInputs,
  readRolloutInputs,
  type ClusterInputs,
  type RolloutInputs,
  type WaitStrategy,
} from '../inputs/cluster.js';
import { withDefaults } from '../inputs/defaults.js';

export { parseOverrides } from './overrides.js';

export type { WaitStrategy };

export interface DeploySettings extends ClusterInputs, RolloutInputs {
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
  rollbackOnFailure: boolean;
  keepFailedInstall: boolean;
  diff: boolean;
  diffOnly: boolean;
  stuckMaxAgeMs: number;
  /** After Ready, how long a restart or a pod no longer Ready still fails the rollout (0: off). */
  stableForMs: number;
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
      /** registry-username and registry-password: a registry login, the password through stdin. */
      username: string;
      password: string;
      /** Plain HTTP to the registry (a local registry without TLS). */
      plainHttp: boolean;
    }
  | {
      kind: 'repository';
      /** The chart repository, as `helm repo add` takes it. */
      url: string;
      /** The chart's name in it. */
      name: string;
      version: string;
      /** registry-username and registry-password: basic auth, the password through stdin. */
      username: string;
      password: string;
    };

export interface SettingsContext {
  /** GITHUB_WORKSPACE: every file input must resolve inside it. */
  workspace: string;
}

/** A file input: must exist and stay inside the workspace (symlinks resolved). */
export function parseWorkspaceFile(
  input: string,
  raw: string,
  workspace: string,
  what = 'file',
): string {
  const value = raw.trim();
  if (value === '') throw new InputError(input, raw, `a ${what} path inside the workspace`);
  const root = realpathSync(workspace);
  const absolute = path.resolve(root, value);
  if (!existsSync(absolute)) {
    throw new InputError(
      input,
      raw,
      `an existing ${what} inside the workspace (it does not exist)`,
    );
  }
  const real = realpathSync(absolute);
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new InputError(input, raw, `a path inside the workspace ${root}`);
  }
  return real;
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

/** A pinned chart version, as helm accepts one: semver 2, an optional leading v. */
function parseChartVersion(version: string, source: string): string {
  if (version === '')
    throw new InputError('chart-version', version, `a chart version when chart is ${source}`);
  if (!semver.valid(version))
    throw new InputError('chart-version', version, 'a semantic version such as 1.2.3');
  return version;
}

/** registry-username and registry-password: both or neither. */
function parseCredentials(read: InputReader): { username: string; password: string } {
  const username = read('registry-username').trim();
  const password = read('registry-password');
  if ((username === '') !== (password === '')) {
    throw new InputError(
      'registry-username',
      username,
      'registry-username and registry-password to be given together',
    );
  }
  return { username, password };
}

/** `chart` named in the repository `chart-repository` gives (https://, as `helm repo add` takes it). */
function parseRepositoryChart(read: InputReader, chart: string): ChartSource {
  const raw = read('chart-repository');
  const url = raw.trim();
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || !parsed.host)
    throw new InputError(
      'chart-repository',
      withoutCredentials(raw),
      'the http(s) URL of a chart repository, such as https://charts.example.com',
    );
  if (parsed.username || parsed.password)
    // helm would take them on its command line; registry-password goes through stdin.
    throw new InputError(
      'chart-repository',
      withoutCredentials(raw),
      'a URL without credentials (give them as registry-username and registry-password)',
    );
  if (!/^[A-Za-z0-9][\w.-]*$/.test(chart))
    throw new InputError(
      'chart',
      chart,
      "the chart's name in chart-repository, such as podinfo (no path: the repository is chart-repository)",
    );
  const version = parseChartVersion(read('chart-version').trim(), 'from a chart-repository');
  return { kind: 'repository', url, name: chart, version, ...parseCredentials(read) };
}

/** `bitnami/nginx` (a `helm repo add`ed name) or an http(s) URL, where no such path is in the workspace. */
function fromChartRepository(value: string, workspace: string): boolean {
  if (/^https?:\/\//.test(value)) return true;
  return /^[\w-]+\/[\w.-]+$/.test(value) && !existsSync(path.resolve(workspace, value));
}

/** A local chart directory or packaged .tgz inside the workspace, or an oci:// reference. */
function parseChart(read: InputReader, ctx: SettingsContext): ChartSource {
  const raw = read('chart');
  const value = raw.trim();
  if (value === '')
    throw new InputError('chart', raw, 'a chart directory, a .tgz or an oci:// reference');
  if (read('chart-repository').trim() !== '') return parseRepositoryChart(read, value);
  const version = read('chart-version').trim();
  if (fromChartRepository(value, ctx.workspace)) {
    throw new InputError(
      'chart',
      raw,
      "a chart directory or .tgz inside the workspace, or an oci:// reference (for a chart from a chart repository, set chart-repository to the repository's URL and chart to the chart's name)",
    );
  }
  if (value.startsWith('oci://')) {
    if (!/^oci:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/.test(value)) {
      throw new InputError(
        'chart',
        raw,
        'an OCI reference such as oci://registry.example.com/charts/hotswap',
      );
    }
    parseChartVersion(version, 'an oci:// reference');
    const { username, password } = parseCredentials(read);
    const plainHttp = parseBoolean('registry-plain-http', read('registry-plain-http'));
    return { kind: 'oci', ref: value, version, username, password, plainHttp };
  }
  if (version !== '') {
    throw new InputError(
      'chart-version',
      version,
      'no version for a local chart (only with oci:// or chart-repository)',
    );
  }
  const file = parseWorkspaceFile('chart', raw, ctx.workspace, 'chart directory or .tgz');
  const isDir = statSync(file).isDirectory();
  if (isDir && !existsSync(path.join(file, 'Chart.yaml'))) {
    throw new InputError('chart', raw, 'a chart directory containing Chart.yaml');
  }
  if (!isDir && !file.endsWith('.tgz')) {
    throw new InputError('chart', raw, 'a chart directory or a packaged chart (.tgz)');
  }
  return { kind: 'local', path: file };
}

export function parseDeploySettings(given: InputReader, ctx: SettingsContext): DeploySettings {
  const read = withDefaults(given, 'deploy');
  const { release, namespace } = readReleaseInputs(read);
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

  const cluster = readClusterInputs(read);
  const rollout = readRolloutInputs(read);
  const stuckMaxAgeMs = parseDuration('stuck-release-max-age', read('stuck-release-max-age'));
  const url = read('environment-url').trim();
  if (url !== '' && !/^https?:\/\/[^\s]+$/.test(url)) {
    throw new InputError('environment-url', url, 'an http:// or https:// URL');
  }

  const diffOnly = parseBoolean('diff-only', read('diff-only'));
  return {
    release,
    chart,
    namespace,
    createNamespace: parseBoolean('create-namespace', read('create-namespace')),
    environment,
    valuesFiles,
    overrides: parseOverrides('set', read('set')),
    secretValues: parseSecretValues('secret-values', read('secret-values')),
    imageTag,
    imageDigest,
    imageValues,
    ...cluster,
    ...rollout,
    rollbackOnFailure: parseBoolean('rollback-on-failure', read('rollback-on-failure')),
    keepFailedInstall: parseBoolean('keep-failed-install', read('keep-failed-install')),
    diff: diffOnly || parseBoolean('diff', read('diff')),
    diffOnly,
    stuckMaxAgeMs,
    stableForMs: parseDuration('stable-for', read('stable-for'), 0),
    requireRollout: parseBoolean('require-rollout', read('require-rollout')),
    githubToken: read('token').trim(),
    environmentUrl: url,
  };
}
