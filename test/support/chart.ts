// Renders chart/hotswap with the real helm binaries and hands back the objects,
// so suites assert on what Kubernetes would receive.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { PINNED } from '../../src/tools/pinned.js';
import { REPO_ROOT } from './run-action.js';
import { toolPath } from './tools.js';

export const CHART_DIR = path.join(REPO_ROOT, 'chart', 'hotswap');
export const ENVIRONMENTS_DIR = path.join(REPO_ROOT, 'chart', 'environments');

export type HelmBinary = 'helm' | 'helm3';

export interface RenderOptions {
  /** Values objects, each passed as its own -f file after `valuesFiles`. */
  values?: Record<string, unknown> | Record<string, unknown>[];
  /** Values files (absolute, or relative to the chart directory), in order. */
  valuesFiles?: string[];
  /** --set pairs. */
  set?: Record<string, string | number | boolean>;
  /** helm 4 (default) or helm 3. */
  helm?: HelmBinary;
  /** Release name; `hs` by default, so the full name is `hs-hotswap`. */
  release?: string;
  /** Release namespace; `hotswap` by default. */
  namespace?: string;
  /** Another copy of the chart (e.g. an edited temp copy); chart/hotswap by default. */
  chartDir?: string;
  /** --kube-version: the cluster version templates see; the pinned test cluster's by default. */
  kubeVersion?: string;
}

// Renders target the Kubernetes version our clusters run, not helm's built-in
// default, which differs between builds (a helm 3 built without the release
// ldflags assumes v1.20.0 and then refuses the chart's kubeVersion).
const KUBE_VERSION = PINNED.kubernetes;

// Just the fields the suites read; everything else stays reachable as unknown.
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
export interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
  [field: string]: unknown;
}
export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
  [field: string]: unknown;
}
export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: Record<string, unknown> };
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: SecurityContext & { fsGroup?: number };
  volumes?: { name: string; emptyDir?: Record<string, unknown>; [field: string]: unknown }[];
  affinity?: Record<string, unknown>;
  topologySpreadConstraints?: {
    topologyKey: string;
    maxSkew: number;
    whenUnsatisfiable: string;
    labelSelector: { matchLabels: Record<string, string> };
    matchLabelKeys?: string[];
  }[];
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  priorityClassName?: string;
  terminationGracePeriodSeconds?: number;
  imagePullSecrets?: { name: string }[];
  restartPolicy?: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}
export interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // Kind-specific content; suites narrow it with the typed views below.
  spec?: unknown;
  data?: Record<string, string>;
  [field: string]: unknown;
}
export interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: PodTemplate;
    volumeClaimTemplates?: { metadata: ObjectMeta; spec: Record<string, unknown> }[];
    [field: string]: unknown;
  };
}
export interface CronJob extends K8sObject {
  spec: {
    schedule: string;
    jobTemplate: { spec: { template: PodTemplate } };
    [field: string]: unknown;
  };
}
export interface Pod extends K8sObject {
  spec: PodSpec;
}

/** The rendered objects, in helm's order. */
export class Rendered {
  constructor(
    readonly objects: K8sObject[],
    readonly manifest: string,
  ) {}

  /** The object of this kind and name; throws with what was rendered when absent. */
  find<T extends K8sObject = K8sObject>(kind: string, name: string): T {
    const found = this.objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) {
      const names = this.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
      throw new Error(`${kind}/${name} was not rendered; got: ${names}`);
    }
    return found as T;
  }

  has(kind: string, name?: string): boolean {
    return this.objects.some((o) => o.kind === kind && (!name || o.metadata.name === name));
  }

  all<T extends K8sObject = K8sObject>(kind: string): T[] {
    return this.objects.filter((o) => o.kind === kind) as T[];
  }

  /** Every pod spec of the chart: workloads, CronJob templates and bare Pods (helm test). */
  podSpecs(): { owner: string; spec: PodSpec }[] {
    return this.objects.flatMap((o) => {
      const owner = `${o.kind}/${o.metadata.name}`;
      if (o.kind === 'Pod') return [{ owner, spec: (o as Pod).spec }];
      if (o.kind === 'CronJob')
        return [{ owner, spec: (o as CronJob).spec.jobTemplate.spec.template.spec }];
      if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
        return [{ owner, spec: (o as Workload).spec.template.spec }];
      return [];
    });
  }
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm (no shell), resolving with the exit code instead of throwing. */
export function runHelm(args: string[], helm: HelmBinary = 'helm'): Promise<HelmResult> {
  return new Promise((resolve) => {
    execFile(
      toolPath(helm),
      args,
      // Plugins play no part in rendering; skipping them keeps each call fast.
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, HELM_NO_PLUGINS: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Builds the value flags of a render, writing value objects to a temp dir the caller removes. */
async function valueArgs(opts: RenderOptions, dir: string): Promise<string[]> {
  const chartDir = opts.chartDir ?? CHART_DIR;
  const args = (opts.valuesFiles ?? []).flatMap((f) => ['-f', path.resolve(chartDir, f)]);
  const objects = opts.values === undefined ? [] : [opts.values].flat();
  for (const [i, values] of objects.entries()) {
    const file = path.join(dir, `values-${i}.yaml`);
    // helm reads YAML 1.1: 'on', 'yes' and the like must come out quoted.
    await writeFile(file, YAML.stringify(values, { version: '1.1' }));
    args.push('-f', file);
  }
  for (const [key, value] of Object.entries(opts.set ?? {})) args.push('--set', `${key}=${value}`);
  return args;
}

async function withValueArgs<T>(opts: RenderOptions, fn: (args: string[]) => Promise<T>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'hotswap-values-'));
  try {
    return await fn(await valueArgs(opts, dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function templateArgs(opts: RenderOptions, values: string[]): string[] {
  return [
    'template',
    opts.release ?? 'hs',
    opts.chartDir ?? CHART_DIR,
    '--namespace',
    opts.namespace ?? 'hotswap',
    '--kube-version',
    opts.kubeVersion ?? KUBE_VERSION,
    ...values,
  ];
}

/** `helm template`; throws with helm's stderr when rendering fails. */
export async function renderChart(opts: RenderOptions = {}): Promise<Rendered> {
  const result = await withValueArgs(opts, (args) => runHelm(templateArgs(opts, args), opts.helm));
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  const objects = YAML.parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as unknown)
    .filter((doc): doc is K8sObject => typeof doc === 'object' && doc !== null);
  return new Rendered(objects, result.stdout);
}

/** `helm template` that must fail; returns helm's stderr. */
export async function renderError(opts: RenderOptions = {}): Promise<string> {
  const result = await withValueArgs(opts, (args) => runHelm(templateArgs(opts, args), opts.helm));
  if (result.code === 0) throw new Error('helm template succeeded but was expected to fail');
  return result.stderr;
}

/** NOTES.txt as `helm install --dry-run=client` prints it (helm 4: no cluster needed). */
export async function renderNotes(opts: RenderOptions = {}): Promise<string> {
  const result = await withValueArgs(opts, (args) =>
    runHelm(
      [
        'install',
        opts.release ?? 'hs',
        opts.chartDir ?? CHART_DIR,
        '--namespace',
        opts.namespace ?? 'hotswap',
        '--dry-run=client',
        '--output',
        'json',
        ...args,
      ],
      opts.helm,
    ),
  );
  if (result.code !== 0) throw new Error(`helm install --dry-run failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { info: { notes: string } }).info.notes;
}

/** `helm lint --strict` of the chart with the given values. */
export function lintChart(opts: RenderOptions = {}): Promise<HelmResult> {
  return withValueArgs(opts, (args) =>
    runHelm(['lint', '--strict', opts.chartDir ?? CHART_DIR, ...args], opts.helm),
  );
}

/** The ci/*-values.yaml scenarios, as paths relative to the chart. */
export async function ciScenarios(): Promise<string[]> {
  const files = await readdir(path.join(CHART_DIR, 'ci'));
  return files
    .filter((f) => f.endsWith('-values.yaml'))
    .sort()
    .map((f) => `ci/${f}`);
}

/** The environment values files (dev, staging, production), as absolute paths. */
export async function environmentFiles(): Promise<string[]> {
  const files = await readdir(ENVIRONMENTS_DIR);
  return files
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(ENVIRONMENTS_DIR, f));
}

/** The value of an env var of a container; throws when it is not set. */
export function envVar(container: Container, name: string): EnvVar {
  const found = container.env?.find((e) => e.name === name);
  if (!found) throw new Error(`env ${name} is not set on container ${container.name}`);
  return found;
}

/** Decodes a Secret's data value. */
export function secretValue(secret: K8sObject, key: string): string {
  const encoded = secret.data?.[key];
  if (encoded === undefined) throw new Error(`Secret ${secret.metadata.name} has no key ${key}`);
  return Buffer.from(encoded, 'base64').toString('utf8');
}
