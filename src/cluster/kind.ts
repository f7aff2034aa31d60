// A kind cluster for the job: create it, wait until its nodes are Ready,
// write its kubeconfig to a file of our choosing, delete it afterwards.
// kind runs each node as a container, so it needs Docker (or Podman/nerdctl
// through KIND_EXPERIMENTAL_PROVIDER); without one the failure says so.
import { CommandError, runCommand } from '../exec/command.js';
import { formatDuration } from '../inputs/parse.js';
import { kindFailure } from './kind-failure.js';

export interface KindClusterOptions {
  /** Path of the kind binary. */
  kind: string;
  /** Path of the kubectl binary (to wait for Ready nodes). */
  kubectl: string;
  name: string;
  /** kind cluster config file (`kind: Cluster` YAML). */
  config?: string;
  /** Node image, e.g. kindest/node:v1.36.3@sha256:... */
  image?: string;
  /** How long kind waits for the control plane, and then we wait for the nodes. */
  waitMs: number;
  /** Where the kubeconfig is written (kind's --kubeconfig). */
  kubeconfig: string;
  onLine?: (line: string) => void;
}

export interface KindCluster {
  name: string;
  kubeconfig: string;
}

export class ContainerRuntimeError extends Error {
  constructor(name: string, detail: string, options?: ErrorOptions) {
    super(
      `kind could not create cluster '${name}': no container runtime is reachable. kind runs each node as a ` +
        `container and needs Docker (or Podman/nerdctl with KIND_EXPERIMENTAL_PROVIDER); on this runner ` +
        `use 'cluster: kwok', which needs no container runtime. ${detail}`,
      options,
    );
    this.name = 'ContainerRuntimeError';
  }
}

/** The node image is neither on the engine nor pullable (an offline runner, a wrong tag). */
export class NodeImagePullError extends Error {
  constructor(name: string, image: string | undefined, detail: string, options?: ErrorOptions) {
    super(
      `kind could not create cluster '${name}': pulling the node image ${image ? `'${image}' ` : ''}failed; ` +
        `load it on the engine first (input 'kind-node-image-archive' takes a 'docker save' archive) ` +
        `or check the name. kind said: ${detail}`,
      options,
    );
    this.name = 'NodeImagePullError';
  }
}

export async function createKindCluster(opts: KindClusterOptions): Promise<KindCluster> {
  const wait = formatDuration(opts.waitMs);
  const args = ['create', 'cluster', '--name', opts.name, '--kubeconfig', opts.kubeconfig];
  if (opts.config) args.push('--config', opts.config);
  if (opts.image) args.push('--image', opts.image);
  args.push('--wait', wait);
  try {
    await runCommand(opts.kind, args, {
      timeoutMs: opts.waitMs + 10 * 60_000,
      onLine: opts.onLine && ((line) => opts.onLine!(line)),
    });
  } catch (error) {
    if (error instanceof CommandError) {
      const { cause, reason } = kindFailure(`${error.result.stderr}\n${error.result.stdout}`);
      if (cause === 'no-runtime')
        throw new ContainerRuntimeError(opts.name, reason, { cause: error });
      if (cause === 'image-pull')
        throw new NodeImagePullError(opts.name, opts.image, reason, { cause: error });
      throw new Error(`kind could not create cluster '${opts.name}': ${reason || error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
  // Subcommand first, so a failure reads `kubectl wait failed ...`.
  await runCommand(
    opts.kubectl,
    [
      'wait',
      '--kubeconfig',
      opts.kubeconfig,
      '--for=condition=Ready',
      'nodes',
      '--all',
      `--timeout=${wait}`,
    ],
    { timeoutMs: opts.waitMs + 60_000 },
  );
  return { name: opts.name, kubeconfig: opts.kubeconfig };
}

export async function deleteKindCluster(opts: {
  kind: string;
  name: string;
  kubeconfig?: string;
}): Promise<void> {
  const args = ['delete', 'cluster', '--name', opts.name];
  if (opts.kubeconfig) args.push('--kubeconfig', opts.kubeconfig);
  await runCommand(opts.kind, args, { timeoutMs: 5 * 60_000 });
}
