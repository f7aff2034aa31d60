// `cluster: kwok`: installs kwokctl, kwok, etcd and the Kubernetes control
// plane binaries through the same verified installer, then hands them to the
// kwok cluster module. Needs no container runtime.
import { createKwokCluster, deleteKwokCluster, type Cluster } from '../cluster/kwok.js';
import { installTool, type InstallRequest } from '../tools/install.js';
import type { ToolName } from '../tools/releases.js';
import type { Inputs } from './inputs.js';
import type { Installation } from './report.js';

export type KwokTool = Extract<
  ToolName,
  'kwokctl' | 'kwok' | 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler'
>;

type Request = Omit<InstallRequest, 'tempDir' | 'log'>;

export function kwokRequests(k: Inputs['kwok']): Record<KwokTool, Request> {
  const kube = (tool: KwokTool): Request => ({
    tool,
    version: k.kubernetesVersion,
    mirror: k.kubernetesMirror,
  });
  return {
    kwokctl: {
      tool: 'kwokctl',
      version: k.version,
      mirror: k.mirror,
      sha256: k.kwokctlSha256,
      pinInput: 'kwokctl-sha256',
    },
    kwok: {
      tool: 'kwok',
      version: k.version,
      mirror: k.mirror,
      sha256: k.kwokSha256,
      pinInput: 'kwok-sha256',
    },
    etcd: { tool: 'etcd', version: k.etcdVersion, mirror: k.etcdMirror },
    'kube-apiserver': kube('kube-apiserver'),
    'kube-controller-manager': kube('kube-controller-manager'),
    'kube-scheduler': kube('kube-scheduler'),
  };
}

export async function installKwokTools(
  inputs: Inputs,
  tempDir: string,
  log: (line: string) => void,
): Promise<Map<KwokTool, Installation>> {
  const requests = Object.values(kwokRequests(inputs.kwok));
  const results = await Promise.allSettled(
    requests.map((r) => installTool({ ...r, tempDir, log })),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const out = new Map<KwokTool, Installation>();
  results.forEach((r, i) => {
    const tool = (r as PromiseFulfilledResult<Installation['tool']>).value;
    const req = requests[i]!;
    out.set(req.tool as KwokTool, {
      tool,
      resolved: { version: req.version, requested: req.version, source: 'exact' },
    });
  });
  return out;
}

export async function createKwok(
  inputs: Inputs,
  tools: ReadonlyMap<string, Installation>,
  kubectl: string,
  workdir: string,
): Promise<Cluster> {
  const bin = (t: KwokTool) => tools.get(t)!.tool.path;
  return createKwokCluster({
    name: inputs.clusterName,
    nodes: inputs.kwok.nodes,
    workdir,
    waitMs: inputs.waitMs,
    binaries: {
      kwokctl: bin('kwokctl'),
      kwok: bin('kwok'),
      etcd: bin('etcd'),
      kubeApiserver: bin('kube-apiserver'),
      kubeControllerManager: bin('kube-controller-manager'),
      kubeScheduler: bin('kube-scheduler'),
      kubectl,
    },
  });
}

export async function deleteKwok(state: {
  name: string;
  kwokctl: string;
  workdir: string;
}): Promise<void> {
  await deleteKwokCluster({ name: state.name, kwokctl: state.kwokctl, workdir: state.workdir });
}
