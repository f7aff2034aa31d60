// `cluster: kind`: ask the engine first (no engine is named as such, before
// kind runs), load a node image archive when one is given (air-gapped
// runners), add the kubelet patch on cgroup v1 hosts only, then create. The
// state it hands out lets the post step delete the cluster, remove the
// network kind made for it, and put back the host sysctls kubelet changed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ContainerRuntimeError, createKindCluster, deleteKindCluster } from '../cluster/kind.js';
import { kindConfigFor } from '../cluster/kind-config.js';
import {
  engineInfo,
  loadImageArchive,
  networkExists,
  NoEngineError,
  removeNetworkIfUnused,
} from '../cluster/docker.js';
import { readSysctls, restoreSysctls } from '../cluster/host-sysctls.js';
import type { Inputs } from './inputs.js';

type Log = (line: string) => void;

export interface KindState {
  kind: 'kind';
  name: string;
  kind_bin: string;
  kubeconfig: string;
  /** The docker network kind created for this cluster (none when it existed before). */
  network?: string;
  /** Host sysctls as they were before kubelet ran. */
  sysctls?: Record<string, string>;
}

/** kind's network: `kind`, unless KIND_EXPERIMENTAL_DOCKER_NETWORK names another. */
const kindNetwork = () => process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind';

/** What a kind create needs of the setup inputs (the demo passes the same). */
export type KindInputs = Pick<
  Inputs,
  'clusterName' | 'kindConfig' | 'kindNodeImage' | 'kindNodeImageArchive' | 'waitMs'
>;

export async function createKind(
  inputs: KindInputs,
  bins: { kind: string; kubectl: string },
  o: { workDir: string; log: Log; onState: (state: KindState | undefined) => void },
): Promise<KindState> {
  const name = inputs.clusterName;
  let host;
  try {
    host = await engineInfo();
  } catch (error) {
    if (error instanceof NoEngineError)
      throw new ContainerRuntimeError(name, error.message, { cause: error });
    throw error;
  }
  let image = inputs.kindNodeImage;
  if (inputs.kindNodeImageArchive) {
    o.log(`Loading the node image archive ${inputs.kindNodeImageArchive}`);
    const loaded = await loadImageArchive(inputs.kindNodeImageArchive);
    image ??= loaded;
    o.log(`Loaded ${loaded}`);
  }
  const kubeconfig = path.join(o.workDir, `kubeconfig-${name}`);
  const network = kindNetwork();
  const state: KindState = {
    kind: 'kind',
    name,
    kind_bin: bins.kind,
    kubeconfig,
    network: (await networkExists(network)) ? undefined : network,
    sysctls: readSysctls(),
  };
  let config = inputs.kindConfig;
  const patched = kindConfigFor(inputs.kindConfig, host);
  if (patched) {
    config = path.join(o.workDir, `kind-config-${name}.yaml`);
    writeFileSync(config, patched);
    o.log('cgroup v1 host: adding failCgroupV1: false to the kubelet configuration');
  }
  o.onState(state);
  try {
    await createKindCluster({
      kind: bins.kind,
      kubectl: bins.kubectl,
      name,
      config,
      image,
      waitMs: inputs.waitMs,
      kubeconfig,
      onLine: o.log,
    });
  } catch (error) {
    // Without a container runtime nothing was created, and nothing could be deleted.
    if (error instanceof ContainerRuntimeError) o.onState(undefined);
    throw error;
  }
  return state;
}

export async function deleteKind(state: KindState, log: Log): Promise<void> {
  await deleteKindCluster({ kind: state.kind_bin, name: state.name, kubeconfig: state.kubeconfig });
  if (state.network && (await removeNetworkIfUnused(state.network)))
    log(`Removed the docker network '${state.network}' kind created`);
  const restored = restoreSysctls(state.sysctls ?? {});
  if (restored.length > 0) log(`Restored the host sysctls kubelet changed: ${restored.join(', ')}`);
}
