// A real Kubernetes control plane without Docker: etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler run as local processes started by
// `kwokctl --runtime binary`, and kwok plays the kubelet of a few fake nodes.
// Deployments, scheduling, admission (Pod Security included), Services, Jobs
// and helm's release Secrets behave as on any cluster; only container
// processes are simulated, by the Stages in ./kwok-stages (see
// docs/kwok-cluster.md).
import { constants } from 'node:fs';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CancelledError, runCommand } from '../exec/command.js';
import { KWOK_STAGES } from './kwok-stages.generated.js';

export interface KwokBinaries {
  kwokctl: string;
  kwok: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
}

export interface KwokClusterOptions {
  /** Cluster name: a DNS label, unique per workdir. */
  name: string;
  binaries: KwokBinaries;
  /** Fake nodes to add (default 3, spread over zones a, b, c). */
  nodes?: number;
  /** KWOK_WORKDIR: where kwokctl keeps the cluster's files and processes' state. */
  workdir?: string;
  /** How long to wait for the API server and the nodes (default 120 s). */
  waitMs?: number;
}

export interface Cluster {
  name: string;
  /** Path of a kubeconfig whose current context is this cluster. */
  kubeconfig: string;
}

/** Capacity of every fake node: a common 4 CPU / 16 GiB worker. */
export const NODE_CAPACITY = {
  cpu: '4',
  memory: '16Gi',
  pods: '110',
  'ephemeral-storage': '100Gi',
} as const;

export const NODE_ZONES = ['a', 'b', 'c'] as const;

/**
 * The default StorageClass, named as kind names its own. Claims are served by
 * the controller manager's in-tree hostPath provisioner (enabled with
 * --enable-hostpath-provisioner, see createKwokCluster): the real PV
 * controller provisions a PersistentVolume for each claim and binds it, so
 * charts with PVCs and volumeClaimTemplates install as on kind. kwok plays the
 * kubelet, so nothing is ever mounted; the provisioner only makes (and on
 * delete removes) an empty directory under /tmp/hostpath_pv.
 */
export const DEFAULT_STORAGE_CLASS = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name: 'standard',
    annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
  },
  provisioner: 'kubernetes.io/host-path',
  reclaimPolicy: 'Delete',
  // Immediate: a claim binds when it is made, before any pod uses it.
  volumeBindingMode: 'Immediate',
} as const;

/** CRDs kwok serves, so tests can point `kubectl port-forward` at a local server. */
export const KWOK_CRDS = ['PortForward', 'ClusterPortForward'] as const;

const NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

export function defaultWorkdir(name: string): string {
  return path.join(os.tmpdir(), `kwok-${name}`);
}

/** The kubeconfig kwokctl writes for a cluster (kubeconfig.yaml in its workdir). */
export function kubeconfigPath(workdir: string, name: string): string {
  return path.join(workdir, 'clusters', name, 'kubeconfig.yaml');
}

/** kwokctl adds and removes a context in this file instead of ~/.kube/config. */
function contextsFile(workdir: string): string {
  return path.join(workdir, 'kwokctl-contexts.yaml');
}

function configFile(workdir: string, name: string): string {
  return path.join(workdir, `${name}-kwok-config.yaml`);
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new Error(
      `Invalid kwok cluster name ${JSON.stringify(name)}: expected lowercase letters, digits and '-', starting with a letter, at most 40 characters`,
    );
  }
}

export function kwokEnv(workdir: string, kubectl?: string): NodeJS.ProcessEnv {
  // KWOK_WORKDIR keeps every file of the cluster (pki, logs, pids, etcd data)
  // in one place, apart from any other cluster on the machine.
  const env: NodeJS.ProcessEnv = { ...process.env, KWOK_WORKDIR: workdir };
  if (kubectl) env.KWOK_KUBECTL_BINARY = kubectl;
  return env;
}

/** `kwokctl create cluster` flags that run the control plane from these binaries, no containers. */
export function binaryRuntimeArgs(bin: KwokBinaries): string[] {
  return [
    '--runtime',
    'binary',
    '--kube-apiserver-binary',
    bin.kubeApiserver,
    '--kube-controller-manager-binary',
    bin.kubeControllerManager,
    '--kube-scheduler-binary',
    bin.kubeScheduler,
    '--kwok-controller-binary',
    bin.kwok,
    '--etcd-binary',
    bin.etcd,
  ];
}

/** The kwokctl configuration file: every Stage (nodes and pods). */
export function kwokConfig(): string {
  return Object.values(KWOK_STAGES).join('\n---\n');
}

/**
 * kwok's pod range: its default (10.0.0.1/24) overlaps the API server's
 * Service range and holds 254 pods; kind's 10.244.0.0/16 does neither.
 */
export const POD_CIDR = '10.244.0.1/16';

/**
 * The API server's Service range: loopback. It dials a Service's cluster IP
 * for an aggregated API (an APIService) or an admission webhook a chart
 * installs; kwok's pods answer nothing, and an address in its default range
 * (10.0.0.0/24) would leave this machine by the default route.
 */
export const SERVICE_CIDR = '127.96.0.0/16';

/** Fake nodes: capacity, zone and hostname labels. */
export function nodeObjects(count: number): object[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `kwok-node-${i}`;
    const zone = NODE_ZONES[i % NODE_ZONES.length];
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
        labels: {
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/os': 'linux',
          'kubernetes.io/hostname': name,
          'node.kubernetes.io/instance-type': 'kwok.4cpu-16gi',
          'topology.kubernetes.io/region': 'kwok',
          'topology.kubernetes.io/zone': zone,
          type: 'kwok',
        },
      },
      // Nodes are the one kind whose status may be set on create: kwok keeps
      // this capacity and fills in conditions, addresses and node info.
      // The InternalIP becomes the pods' hostIP; kwok adds the Hostname
      // address (localhost) through which the API server reaches its kubelet
      // endpoint for logs, exec and port-forward.
      status: {
        allocatable: NODE_CAPACITY,
        capacity: NODE_CAPACITY,
        addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 2}` }],
      },
    };
  });
}

export async function createKwokCluster(opts: KwokClusterOptions): Promise<Cluster> {
  const { name, binaries: bin } = opts;
  checkName(name);
  const nodes = opts.nodes ?? 3;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 100) {
    throw new Error(`Invalid node count ${nodes}: expected an integer from 1 to 100`);
  }
  for (const [role, file] of Object.entries(bin)) {
    await access(file, constants.X_OK).catch(() => {
      throw new Error(
        `kwok cluster: the ${role} binary ${file} does not exist or is not executable`,
      );
    });
  }
  const workdir = path.resolve(opts.workdir ?? defaultWorkdir(name));
  const waitMs = opts.waitMs ?? 120_000;
  const env = kwokEnv(workdir, bin.kubectl);
  await mkdir(workdir, { recursive: true });
  await writeFile(configFile(workdir, name), kwokConfig());

  const waitSeconds = `${Math.ceil(waitMs / 1000)}s`;
  const createArgs = [
    'create',
    'cluster',
    '--name',
    name,
    '--config',
    configFile(workdir, name),
    ...binaryRuntimeArgs(bin),
    // Real authorization (RBAC) and the default admission plugins,
    // PodSecurity among them.
    '--kube-authorization',
    '--kube-admission',
    '--enable-crds',
    KWOK_CRDS.join(','),
    '--extra-args',
    `kwok-controller=cidr=${POD_CIDR}`,
    '--extra-args',
    'kube-controller-manager=enable-hostpath-provisioner=true',
    '--extra-args',
    `kube-apiserver=service-cluster-ip-range=${SERVICE_CIDR}`,
    // Leave ~/.kube/config alone: the cluster's own kubeconfig is returned.
    '--kubeconfig',
    contextsFile(workdir),
    '--wait',
    waitSeconds,
    '--timeout',
    waitSeconds,
  ];
  try {
    await startControlPlane(bin.kwokctl, createArgs, env, waitMs, async () => {
      await deleteKwokCluster({ name, kwokctl: bin.kwokctl, workdir });
      await writeFile(configFile(workdir, name), kwokConfig());
    });
    const kubeconfig = kubeconfigPath(workdir, name);
    // Raw API calls only: kubectl's discovery of a brand-new API server costs
    // seconds on a busy machine and would leave a cache in ~/.kube.
    const raw = (args: string[], input?: string) =>
      runCommand(bin.kubectl, ['--kubeconfig', kubeconfig, ...args], {
        env,
        input,
        timeoutMs: 30_000,
      });
    const deadline = Date.now() + waitMs;
    // The default ServiceAccount is made by the controller manager; until it
    // exists no pod can be admitted in the namespace.
    await poll('the API server and the default ServiceAccount', deadline, async () => {
      await raw(['get', '--raw', '/readyz']);
      await raw(['get', '--raw', '/api/v1/namespaces/default/serviceaccounts/default']);
      return true;
    });
    for (const node of nodeObjects(nodes)) {
      await raw(['create', '--raw', '/api/v1/nodes', '-f', '-'], JSON.stringify(node));
    }
    await raw(
      ['create', '--raw', '/apis/storage.k8s.io/v1/storageclasses', '-f', '-'],
      JSON.stringify(DEFAULT_STORAGE_CLASS),
    );
    await poll(`${nodes} Ready nodes`, deadline, async () => {
      const list = JSON.parse((await raw(['get', '--raw', '/api/v1/nodes'])).stdout) as {
        items: { status?: { conditions?: { type: string; status: string }[] } }[];
      };
      const ready = list.items.filter((n) =>
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return ready.length >= nodes;
    }).catch(async (error: unknown) => {
      // Nodes turn Ready only through the kwok controller: say what it said.
      throw await withLogTail(
        error,
        path.join(workdir, 'clusters', name, 'logs', 'kwok-controller.log'),
      );
    });
    return { name, kubeconfig };
  } catch (error) {
    // A half-created cluster still has processes running: never leave them.
    await deleteKwokCluster({ name, kwokctl: bin.kwokctl, workdir }).catch(() => {});
    throw error;
  }
}

/**
 * `kwokctl create cluster`, tried twice: on a loaded machine kwokctl can
 * trip over its own retry while installing the CRDs ("resourceVersion: 0 must
 * be specified for an update") and give up on an otherwise healthy cluster.
 */
export async function startControlPlane(
  kwokctl: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  waitMs: number,
  removeCluster: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(kwokctl, args, { env, timeoutMs: waitMs + 60_000 });
      return;
    } catch (error) {
      if (attempt === 2 || error instanceof CancelledError) throw error;
      await removeCluster();
    }
  }
}

/** `error` with the last lines of a log file appended (unchanged when there is no such file). */
export async function withLogTail(error: unknown, log: string, lines = 15): Promise<unknown> {
  if (!(error instanceof Error) || error instanceof CancelledError) return error;
  const text = await readFile(log, 'utf8').catch(() => '');
  const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
  if (tail) error.message += `\nlast lines of ${log}:\n${tail}`;
  return error;
}

/** Retries `check` every 250 ms until it returns true; past the deadline, fails with the last error. */
async function poll(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`kwok cluster: timed out waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function deleteKwokCluster(opts: {
  name: string;
  kwokctl: string;
  workdir?: string;
}): Promise<void> {
  checkName(opts.name);
  const workdir = path.resolve(opts.workdir ?? defaultWorkdir(opts.name));
  await runCommand(
    opts.kwokctl,
    ['delete', 'cluster', '--name', opts.name, '--kubeconfig', contextsFile(workdir)],
    { env: kwokEnv(workdir), timeoutMs: 120_000 },
  );
  await rm(configFile(workdir, opts.name), { force: true });
}
