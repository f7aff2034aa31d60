// The demo's local cluster: kind when a Docker engine answers, otherwise a
// kwok cluster (a real control plane, simulated containers) from .tools/bin.
import path from 'node:path';
import { runCommand } from '../exec/command.js';
import { createKwokCluster, deleteKwokCluster } from '../cluster/kwok.js';
import { which } from '../cli/binaries.js';

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
