// A short-lived curl Pod inside the cluster, for checking a Service from where
// its clients are (cluster DNS, network policies) rather than through a
// forward. Created with `kubectl run` and a Pod spec that passes the
// `restricted` Pod Security Standard, used through `kubectl exec` (the secret
// curl config travels on stdin), and deleted afterwards. It also ends itself
// (sleep + activeDeadlineSeconds) if the delete never comes.
import { randomBytes } from 'node:crypto';
import { runCommand } from '../exec/command.js';
import type { CurlTransport } from '../http/curl.js';
import { kubeFlags, type KubeTarget } from './kube-target.js';

/** curl's official image, pinned; runs as curl_user (uid 100, gid 101). */
export const DEFAULT_CURL_IMAGE = 'curlimages/curl:8.11.1';

export interface CurlPodOptions {
  kube: KubeTarget;
  namespace: string;
  image: string;
  /** How long the Pod may live at most. */
  lifetimeSeconds: number;
  readyTimeoutMs: number;
  name?: string;
}

export interface CurlPod {
  name: string;
  namespace: string;
  transport: CurlTransport;
  /** Deletes the Pod (not waiting for it to go). */
  delete(): Promise<void>;
}

export const CURL_POD_LABELS = {
  'app.kubernetes.io/name': 'hotswap-smoke-test',
  'app.kubernetes.io/component': 'curl',
  'app.kubernetes.io/managed-by': 'hotswap-smoke-test',
};

/** The Pod spec given to `kubectl run --overrides` (JSON merge: it replaces kubectl's container). */
export function curlPodOverrides(options: CurlPodOptions & { name: string }): object {
  return {
    apiVersion: 'v1',
    metadata: { labels: CURL_POD_LABELS },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      activeDeadlineSeconds: options.lifetimeSeconds,
      terminationGracePeriodSeconds: 1,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 100,
        runAsGroup: 101,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'curl',
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', String(options.lifetimeSeconds)],
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
          },
          resources: {
            requests: { cpu: '10m', memory: '16Mi' },
            limits: { cpu: '200m', memory: '64Mi' },
          },
        },
      ],
    },
  };
}

export function curlPodRunArgs(options: CurlPodOptions & { name: string }): string[] {
  const labels = Object.entries(CURL_POD_LABELS)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    'run',
    options.name,
    '--namespace',
    options.namespace,
    '--image',
    options.image,
    '--restart',
    'Never',
    '--labels',
    labels,
    '--override-type',
    'merge',
    '--overrides',
    JSON.stringify(curlPodOverrides(options)),
    ...kubeFlags(options.kube),
    // Everything after `--` is the container's command, so kube flags go before it.
    '--command',
    '--',
    'sleep',
    String(options.lifetimeSeconds),
  ];
}

export function curlPodExecArgs(
  pod: { name: string; namespace: string; kube: KubeTarget },
  curlArgs: readonly string[],
  withConfig: boolean,
): string[] {
  return [
    'exec',
    '--namespace',
    pod.namespace,
    ...(withConfig ? ['--stdin'] : []),
    pod.name,
    '--container',
    'curl',
    ...kubeFlags(pod.kube),
    '--',
    'curl',
    ...curlArgs,
    ...(withConfig ? ['--config', '-'] : []),
  ];
}

export async function startCurlPod(options: CurlPodOptions): Promise<CurlPod> {
  const name = options.name ?? `hotswap-smoke-${randomBytes(4).toString('hex')}`;
  const { kube, namespace } = options;
  const pod = { name, namespace, kube };
  const remove = async () => {
    await runCommand(
      kube.kubectl,
      [
        'delete',
        'pod',
        name,
        '--namespace',
        namespace,
        '--ignore-not-found',
        '--wait=false',
        ...kubeFlags(kube),
      ],
      { timeoutMs: 60_000 },
    );
  };

  await runCommand(kube.kubectl, curlPodRunArgs({ ...options, name }), { timeoutMs: 60_000 });
  try {
    await runCommand(
      kube.kubectl,
      [
        'wait',
        '--namespace',
        namespace,
        '--for=condition=Ready',
        `pod/${name}`,
        `--timeout=${Math.max(Math.ceil(options.readyTimeoutMs / 1000), 1)}s`,
        ...kubeFlags(kube),
      ],
      { timeoutMs: options.readyTimeoutMs + 30_000 },
    );
  } catch (error) {
    await remove().catch(() => undefined);
    throw new Error(
      `curl Pod ${namespace}/${name} (${options.image}) did not become ready: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }

  const transport: CurlTransport = (args, config, timeoutMs) =>
    runCommand(kube.kubectl, curlPodExecArgs(pod, args, config !== undefined), {
      allowFailure: true,
      timeoutMs,
      input: config,
    });
  return { name, namespace, transport, delete: remove };
}
