// actions/setup: resolve versions, install helm, kubectl (and kind), create the
// requested cluster; the post step deletes that cluster.
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { ContainerRuntimeError, createKindCluster, deleteKindCluster } from '../../cluster/kind.js';
import { installTool } from '../../tools/install.js';
import {
  resolveToolVersion,
  type ResolvableTool,
  type ResolveSources,
} from '../../tools/resolve.js';
import { getInputs, type Inputs } from './inputs.js';
import { createKwok, deleteKwok, installKwokTools } from './kwok.js';
import {
  setClusterOutputs,
  setToolOutputs,
  summaryMarkdown,
  type ClusterReport,
  type Installation,
} from './report.js';

const OFFICIAL_K8S = 'https://dl.k8s.io';
const STATE_CLUSTER = 'cluster';

/** What the post step needs to delete the cluster, saved before it is created. */
export type ClusterState =
  | { kind: 'kind'; name: string; kind_bin: string; kubeconfig: string }
  | { kind: 'kwok'; name: string; kwokctl: string; workdir: string };

function workDir(): string {
  return path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'hotswap-setup');
}

/** Settles every promise before reporting the first failure, so no install is left running. */
async function settled<T>(work: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

async function installResolvable(
  inputs: Inputs,
  tools: ResolvableTool[],
): Promise<Map<string, Installation>> {
  const sources: ResolveSources = {
    github: { apiUrl: inputs.githubApiUrl, token: inputs.token },
    kubernetesBase: inputs.kubectl.mirror ?? OFFICIAL_K8S,
  };
  // Every look-up first: a failed look-up stops the step before any download.
  const resolved = await settled(tools.map((t) => resolveToolVersion(t, inputs[t].spec, sources)));
  const installed = await settled(
    tools.map((tool, i) =>
      installTool({
        tool,
        version: resolved[i]!.version,
        mirror: inputs[tool].mirror,
        sha256: inputs[tool].sha256,
        pinInput: `${tool}-sha256`,
        tempDir: workDir(),
        log: (line) => core.info(line),
      }),
    ),
  );
  return new Map(tools.map((t, i) => [t, { tool: installed[i]!, resolved: resolved[i]! }]));
}

export async function main(): Promise<void> {
  const inputs = getInputs();
  const tools: ResolvableTool[] = ['helm', 'kubectl'];
  if (inputs.kind.install || inputs.cluster === 'kind') tools.push('kind');

  const installed = await installResolvable(inputs, tools);
  const kwokTools =
    inputs.cluster === 'kwok' ? await installKwokTools(inputs, workDir()) : undefined;
  const all = new Map([...installed, ...(kwokTools ?? [])]);

  for (const entry of all.values()) core.addPath(entry.tool.dir);
  setToolOutputs(all);

  let cluster: ClusterReport | undefined;
  if (inputs.cluster === 'kind') {
    const kind = installed.get('kind')!.tool.path;
    const kubeconfig = path.join(workDir(), `kubeconfig-${inputs.clusterName}`);
    saveClusterState({ kind: 'kind', name: inputs.clusterName, kind_bin: kind, kubeconfig });
    try {
      await createKindCluster({
        kind,
        kubectl: installed.get('kubectl')!.tool.path,
        name: inputs.clusterName,
        config: inputs.kindConfig,
        image: inputs.kindNodeImage,
        waitMs: inputs.waitMs,
        kubeconfig,
        onLine: (line) => core.info(line),
      });
    } catch (error) {
      // Without a container runtime nothing was created, and nothing could be deleted.
      if (error instanceof ContainerRuntimeError) core.saveState(STATE_CLUSTER, '');
      throw error;
    }
    cluster = { kind: 'kind', name: inputs.clusterName, kubeconfig };
  } else if (inputs.cluster === 'kwok' && kwokTools) {
    const workdir = path.join(workDir(), 'kwok');
    saveClusterState({
      kind: 'kwok',
      name: inputs.clusterName,
      kwokctl: kwokTools.get('kwokctl')!.tool.path,
      workdir,
    });
    const created = await createKwok(
      inputs,
      kwokTools,
      installed.get('kubectl')!.tool.path,
      workdir,
    );
    cluster = { kind: 'kwok', name: created.name, kubeconfig: created.kubeconfig };
  }
  if (cluster) {
    core.exportVariable('KUBECONFIG', cluster.kubeconfig);
    setClusterOutputs(cluster);
  }
  await core.summary.addRaw(summaryMarkdown(all, cluster)).write();
}

function saveClusterState(state: ClusterState): void {
  core.saveState(STATE_CLUSTER, JSON.stringify(state));
}

export async function post(): Promise<void> {
  const raw = core.getState(STATE_CLUSTER);
  if (!raw) return;
  const state = JSON.parse(raw) as ClusterState;
  core.info(`Deleting ${state.kind} cluster '${state.name}'`);
  if (state.kind === 'kind') {
    await deleteKindCluster({
      kind: state.kind_bin,
      name: state.name,
      kubeconfig: state.kubeconfig,
    });
  } else {
    await deleteKwok(state);
  }
  core.info(`Deleted ${state.kind} cluster '${state.name}'`);
}
