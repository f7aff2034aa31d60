// Every input default of every action, in one table (tool versions from the
// pins in src/tools/pinned-versions.json). action.yml repeats them
// (the runner fills a missing input from there, and the CLI reads its flags
// from there); test/unit/inputs/defaults.test.ts fails when the two differ.
// The parsers take their fallbacks from here through withDefaults(), so a
// direct caller (a test, the CLI) gets the same value as the runner.
import { PINNED } from '../tools/pinned.js';
import type { InputReader } from './parse.js';

/** Inputs that say which helm, kubectl and cluster: deploy and rollback. */
const CLUSTER = {
  helm: 'helm',
  'helm-major': '',
  kubectl: 'kubectl',
  kubeconfig: '',
  'kube-context': '',
} as const;

/** How a rollout is watched and how much history helm keeps: deploy and rollback. */
const ROLLOUT = {
  timeout: '5m',
  wait: 'watch',
  'history-max': '10',
  'crash-loop-restarts': '1',
  'unschedulable-grace': '30s',
} as const;

export const INPUT_DEFAULTS = {
  deploy: {
    'chart-repository': '',
    'chart-version': '',
    'registry-username': '',
    'registry-password': '',
    'registry-plain-http': 'false',
    'create-namespace': 'false',
    environment: '',
    'environment-url': '',
    'values-files': '',
    set: '',
    'secret-values': '',
    'image-tag': '',
    'image-digest': '',
    'image-values': '',
    ...CLUSTER,
    ...ROLLOUT,
    'rollback-on-failure': 'true',
    'keep-failed-install': 'false',
    diff: 'true',
    'diff-only': 'false',
    'stuck-release-max-age': '10m',
    'stable-for': '',
    'require-rollout': 'false',
    token: '',
  },
  rollback: {
    revision: '',
    ...CLUSTER,
    ...ROLLOUT,
  },
  lint: {
    chart: 'chart/hotswap',
    environments: 'dev, staging, production',
    'values-files': 'chart/environments/{env}.yaml',
    'ci-values': 'true',
    'kubernetes-versions': '1.36',
    strict: 'true',
    policy: '',
    'base-ref': '',
    helm: 'helm',
    'release-name': '',
    namespace: 'default',
    'api-versions': '',
    crds: '',
    concurrency: '',
  },
  'smoke-test': {
    target: 'url',
    url: '',
    'metrics-url': '',
    namespace: 'default',
    service: '',
    port: '8080',
    'metrics-port': '5000',
    scheme: 'http',
    'health-path': '/health',
    'expected-status': '200',
    'health-fields': '',
    'check-metrics': 'true',
    'metrics-path': '/metrics',
    'required-metrics': '',
    'metric-conditions': '',
    timeout: '2m',
    'check-timeout': '10s',
    'retry-delay': '1s',
    insecure: 'false',
    'ca-file': '',
    headers: '',
    'secret-headers': '',
    release: '',
    kubeconfig: '',
    'kube-context': '',
    'curl-image': 'curlimages/curl:8.11.1',
  },
  setup: {
    'helm-version': '4',
    'helm-mirror': '',
    'helm-sha256': '',
    'kubectl-version': PINNED.kubectl,
    'kubectl-mirror': '',
    'kubectl-sha256': '',
    'install-kind': 'false',
    'kind-version': PINNED.kind,
    'kind-mirror': '',
    'kind-sha256': '',
    cluster: 'none',
    'cluster-name': 'hotswap',
    'kind-config': '',
    'kind-node-image': '',
    'kind-node-image-archive': '',
    wait: '120s',
    'kwok-version': PINNED.kwok,
    'kwok-mirror': '',
    'kwok-sha256': '',
    'kwokctl-sha256': '',
    'kubernetes-version': PINNED.kubernetes,
    'kubernetes-mirror': '',
    'etcd-version': PINNED.etcd,
    'etcd-mirror': '',
    'kwok-nodes': '1',
    // A workflow expression: the runner evaluates it, code never sees it.
    token: '${{ github.token }}',
    'github-api-url': 'https://api.github.com',
  },
} as const satisfies Record<string, Record<string, string>>;

export type ActionName = keyof typeof INPUT_DEFAULTS;

/** A reader that answers a blank input with its default from the table. */
export function withDefaults(read: InputReader, action: ActionName): InputReader {
  const defaults: Readonly<Partial<Record<string, string>>> = INPUT_DEFAULTS[action];
  return (name) => {
    const raw = read(name);
    const fallback = defaults[name];
    // A workflow expression is the runner's to evaluate: never a value of ours.
    if (raw.trim() !== '' || fallback === undefined || fallback.includes('${{')) return raw;
    return fallback;
  };
}
