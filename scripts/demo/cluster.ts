// The demo's local cluster: kind when a Docker engine answers and a node image
// is there without a pull (see node-image.ts), otherwise a kwok cluster (a real
// control plane, simulated containers) from .tools/bin. kind clusters are made
// and removed by the same code as actions/setup's (cgroup v1 kubelet patch,
// the network kind made, the host sysctls kubelet changed).

import { homedir } from 'node:os';
import path from 'node:path';
import { engineInfo } from '../../src/cluster/docker.js';
import { PINNED } from '../../src/tools/pinned.js';
import { createKwokCluster, deleteKwokCluster } from '../../src/cluster/kwok.js';
import { createKind, deleteKind, type KindState } from '../../src/setup/kind.js';
import { findNodeImage, localNodeImage, type NodeImage } from './node-image.js';

export interface LocalCluster {
  kind: 'kind' | 'kwok';
  name: string;
  kubeconfig: string;
}

export interface EngineChoice {
  engine: 'kind' | 'kwok';
  why: string;
  /** For kind: the node image (or archive) to create from. */
  nodeImage?: NodeImage;
}

/** kind only where it can start without a pull: offline, `kind create` would fail on it, or stall. */
export function chooseEngine(
  engine: { answers: boolean; detail?: string },
  nodeImage: NodeImage | undefined,
  kubernetes: string,
): EngineChoice {
  if (!engine.answers)
    return {
      engine: 'kwok',
      why: `no Docker engine answers${engine.detail ? ` (${engine.detail})` : ''}`,
    };
  if (!nodeImage)
    return {
      engine: 'kwok',
      why:
        `a Docker engine answers, but no kind node image is on it or cached (neither kind's default ` +
        `nor ${localNodeImage(kubernetes)}; build it with scripts/kind-node-image.sh, or pull kind's)`,
    };
  return { engine: 'kind', why: `a Docker engine answers and ${nodeImage.from}`, nodeImage };
}

export function toolsCacheDir(): string {
  return process.env.HOTSWAP_TOOLS_CACHE || path.join(homedir(), '.cache', 'hotswap-tools');
}

export async function detectEngine(): Promise<EngineChoice> {
  const kubernetes = PINNED.kubernetes;
  let info;
  try {
    info = await engineInfo();
  } catch (error) {
    const detail = error instanceof Error ? /\(docker info: (.*)\)$/.exec(error.message)?.[1] : '';
    return chooseEngine({ answers: false, detail }, undefined, kubernetes);
  }
  const nodeImage = await findNodeImage({
    cacheDir: toolsCacheDir(),
    kubernetes,
    runtime: info.defaultRuntime,
  });
  return chooseEngine({ answers: true }, nodeImage, kubernetes);
}

export interface ClusterOptions {
  name: string;
  /** Everything the cluster writes goes here (kwok's KWOK_WORKDIR, kind's kubeconfig). */
  workdir: string;
  /** Directory holding the pinned tools (.tools/bin). */
  bin: string;
  choice: EngineChoice;
  log: (line: string) => void;
}

/**
 * Creates the cluster; returns it with its remover, which is handed out (via
 * onRemover) before the create starts, so a half-made cluster is removed too.
 */
export async function createLocalCluster(
  o: ClusterOptions,
  onRemover: (remove: () => Promise<void>) => void,
): Promise<LocalCluster> {
  const tool = (name: string) => path.join(o.bin, name);
  if (o.choice.engine === 'kind') {
    let state: KindState | undefined;
    // No state: the create never started (no engine, an archive that would not load).
    onRemover(async () => {
      if (state) await deleteKind(state, o.log);
    });
    const created = await createKind(
      {
        clusterName: o.name,
        kindNodeImage: o.choice.nodeImage?.image,
        kindNodeImageArchive: o.choice.nodeImage?.archive,
        // A busy machine can take minutes to bring a control plane up.
        waitMs: 300_000,
      },
      { kind: tool('kind'), kubectl: tool('kubectl') },
      { workDir: o.workdir, log: o.log, onState: (s) => (state = s) },
    );
    return { kind: 'kind', name: o.name, kubeconfig: created.kubeconfig };
  }
  onRemover(() =>
    deleteKwokCluster({ name: o.name, kwokctl: tool('kwokctl'), workdir: o.workdir }),
  );
  const cluster = await createKwokCluster({
    name: o.name,
    workdir: o.workdir,
    nodes: 3,
    // A busy machine (CI, a shared laptop) can take minutes to start a control plane.
    waitMs: 180_000,
    binaries: {
      kwokctl: tool('kwokctl'),
      kwok: tool('kwok'),
      etcd: tool('etcd'),
      kubeApiserver: tool('kube-apiserver'),
      kubeControllerManager: tool('kube-controller-manager'),
      kubeScheduler: tool('kube-scheduler'),
      kubectl: tool('kubectl'),
    },
  });
  return { kind: 'kwok', name: cluster.name, kubeconfig: cluster.kubeconfig };
}
