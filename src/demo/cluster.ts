// The demo's local cluster: kind when a Docker engine answers and already
// holds kind's node image, otherwise a kwok cluster (a real control plane,
// simulated containers) from .tools/bin.
import path from 'node:path';
import { runCommand } from '../exec/command.js';
import { createKwokCluster, deleteKwokCluster } from '../cluster/kwok.js';
import { which } from '../exec/binary.js';

export interface LocalCluster {
  kind: 'kind' | 'kwok';
  name: string;
  kubeconfig: string;
  remove(): Promise<void>;
}

export async function dockerAvailable(): Promise<boolean> {
  const docker = which('docker');
  if (!docker) return false;
  const probe = await runCommand(docker, ['info', '--format', '{{.ServerVersion}}'], {
    allowFailure: true,
    timeoutMs: 15_000,
  }).catch(() => undefined);
  return probe?.code === 0;
}

/** The node image kind v0.33.0 creates clusters from when none is named (pkg/apis/config/defaults). */
export const KIND_DEFAULT_NODE_IMAGE =
  'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5';

async function imagePresent(image: string): Promise<boolean> {
  const docker = which('docker');
  if (!docker) return false;
  const probe = await runCommand(docker, ['image', 'inspect', '--format', '{{.Id}}', image], {
    allowFailure: true,
    timeoutMs: 15_000,
  }).catch(() => undefined);
  return probe?.code === 0;
}

export interface EngineChoice {
  engine: 'kind' | 'kwok';
  why: string;
}

/**
 * kind only where it can start without a pull: a machine with an engine but no
 * registry access (or a slow one) would otherwise fail, or stall, in `kind create`.
 */
export function chooseEngine(docker: boolean, nodeImage: boolean): EngineChoice {
  if (!docker) return { engine: 'kwok', why: 'no Docker engine answers' };
  if (!nodeImage)
    return {
      engine: 'kwok',
      why: `a Docker engine answers, but kind's node image ${KIND_DEFAULT_NODE_IMAGE.split('@')[0]} is not on it (pull it to use kind)`,
    };
  return { engine: 'kind', why: `a Docker engine answers and holds kind's node image` };
}

export async function detectEngine(): Promise<EngineChoice> {
  const docker = await dockerAvailable();
  return chooseEngine(docker, docker && (await imagePresent(KIND_DEFAULT_NODE_IMAGE)));
}

export interface ClusterOptions {
  name: string;
  /** Everything the cluster writes goes here (kwok's KWOK_WORKDIR, kind's kubeconfig). */
  workdir: string;
  /** Directory holding the pinned tools (.tools/bin). */
  bin: string;
  engine: 'kind' | 'kwok';
}

/** Removes the cluster by name, whether or not it was fully created. */
export async function removeLocalCluster(o: ClusterOptions): Promise<void> {
  const tool = (name: string) => path.join(o.bin, name);
  if (o.engine === 'kind') {
    const kubeconfig = path.join(o.workdir, 'kubeconfig');
    await runCommand(tool('kind'), [
      'delete',
      'cluster',
      '--name',
      o.name,
      '--kubeconfig',
      kubeconfig,
    ]);
  } else {
    await deleteKwokCluster({ name: o.name, kwokctl: tool('kwokctl'), workdir: o.workdir });
  }
}

export async function createLocalCluster(o: ClusterOptions): Promise<LocalCluster> {
  const tool = (name: string) => path.join(o.bin, name);
  const remove = () => removeLocalCluster(o);
  if (o.engine === 'kind') {
    const kubeconfig = path.join(o.workdir, 'kubeconfig');
    try {
      await runCommand(tool('kind'), [
        'create',
        'cluster',
        '--name',
        o.name,
        '--kubeconfig',
        kubeconfig,
        '--wait',
        '120s',
      ]);
    } catch (error) {
      await remove().catch(() => {});
      throw error;
    }
    return { kind: 'kind', name: o.name, kubeconfig, remove };
  }
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
  return {
    kind: 'kwok',
    name: cluster.name,
    kubeconfig: cluster.kubeconfig,
    remove,
  };
}
