// The inputs deploy and rollback share, read the same way by both: which helm,
// kubectl and cluster (kubeconfig, context), which release, and how its
// rollout is watched. Callers pass a reader wrapped in withDefaults().
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from './errors.js';
import {
  parseChoice,
  parseDnsLabel,
  parseDuration,
  parseInteger,
  type InputReader,
} from './parse.js';
import { readYamlFile } from './yaml.js';

export type WaitStrategy = 'watch' | 'helm' | 'none';

/** Which binaries, and which cluster they talk to. */
export interface ClusterInputs {
  helmBin: string;
  /** Undefined: detected from `helm version`. */
  helmMajor: 3 | 4 | undefined;
  kubectlBin: string;
  /** '' for kubectl's default kubeconfig. */
  kubeconfig: string;
  /** '' for the kubeconfig's current context. */
  kubeContext: string;
}

/** How a rollout is watched, judged and kept in helm's history. */
export interface RolloutInputs {
  timeoutMs: number;
  wait: WaitStrategy;
  historyMax: number;
  crashLoopRestarts: number;
  unschedulableGraceMs: number;
}

export function readClusterInputs(read: InputReader): ClusterInputs {
  return {
    helmBin: read('helm').trim(),
    helmMajor: readHelmMajor(read),
    kubectlBin: read('kubectl').trim(),
    kubeconfig: readKubeconfig(read),
    kubeContext: readKubeContext(read),
  };
}

export function readRolloutInputs(read: InputReader): RolloutInputs {
  return {
    timeoutMs: readRolloutTimeout(read),
    wait: parseChoice<WaitStrategy>('wait', read('wait'), ['watch', 'helm', 'none']),
    historyMax: parseInteger('history-max', read('history-max'), { min: 0, max: 1000 }),
    crashLoopRestarts: parseInteger('crash-loop-restarts', read('crash-loop-restarts'), {
      min: 0,
      max: 100,
    }),
    unschedulableGraceMs: parseDuration('unschedulable-grace', read('unschedulable-grace')),
  };
}

/** release and namespace: the helm release and where it lives. */
export function readReleaseInputs(read: InputReader): { release: string; namespace: string } {
  return {
    release: parseReleaseName('release', read('release')),
    namespace: parseDnsLabel('namespace', read('namespace')),
  };
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

/** helm-major: '' (detect from the binary), 3 or 4. */
function readHelmMajor(read: InputReader): 3 | 4 | undefined {
  const raw = read('helm-major').trim();
  return raw === '' ? undefined : (Number(parseChoice('helm-major', raw, ['3', '4'])) as 3 | 4);
}

/** kubeconfig: '' (kubectl's default) or an existing kubeconfig file, as an absolute path. */
function readKubeconfig(read: InputReader): string {
  const raw = read('kubeconfig');
  return raw.trim() === '' ? '' : parseKubeconfigPath('kubeconfig', raw);
}

/** kube-context: '' (the kubeconfig's current context) or a context name. */
function readKubeContext(read: InputReader): string {
  const kubeContext = read('kube-context').trim();
  if (kubeContext !== '' && !/^[A-Za-z0-9@:_./-]+$/.test(kubeContext)) {
    throw new InputError('kube-context', kubeContext, 'a context name from the kubeconfig');
  }
  return kubeContext;
}

/** timeout: how long a rollout may take, at least 1s. */
function readRolloutTimeout(read: InputReader): number {
  const timeoutMs = parseDuration('timeout', read('timeout'));
  if (timeoutMs < 1000)
    throw new InputError('timeout', read('timeout'), 'a duration of at least 1s');
  return timeoutMs;
}

/** The kubeconfig may live outside the workspace (e.g. ~/.kube/config) but must be a readable YAML file. */
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
