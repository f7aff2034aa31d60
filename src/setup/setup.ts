// Setup as plain functions: resolve versions, install helm, kubectl (and kind,
// and the kwok cluster's binaries), create the requested cluster, and delete
// it again. The action (src/actions/setup) and `hotswap-ci setup` both run these.
import path from 'node:path';
import { installTool } from '../tools/install.js';
import { resolveToolVersion, type ResolvableTool, type ResolveSources } from '../tools/resolve.js';
import type { Inputs } from './inputs.js';
import { createKind, deleteKind, type KindState } from './kind.js';
import { createKwok, deleteKwok, installKwokTools } from './kwok.js';
import type { ClusterReport, Installation } from './report.js';

const OFFICIAL_K8S = 'https://dl.k8s.io';

type Log = (line: string) => void;

/** What deleting a cluster needs, known before it is created. */
export type ClusterState =
  KindState | { kind: 'kwok'; name: string; kwokctl: string; workdir: string };

export interface Installed {
  /** Every installed tool by name, in install order (helm, kubectl, kind, then kwok's). */
  all: Map<string, Installation>;
  helm: Installation;
  kubectl: Installation;
  kind?: Installation;
}

export type CreatedCluster = ClusterReport & { state: ClusterState };

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
  tempDir: string,
  log: Log,
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
        tempDir,
        log,
      }),
    ),
  );
  return new Map(tools.map((t, i) => [t, { tool: installed[i]!, resolved: resolved[i]! }]));
}

/**
 * Installs every tool the inputs ask for into the tool cache
 * (RUNNER_TOOL_CACHE), staging downloads under `tempDir`.
 */
export async function installTools(
  inputs: Inputs,
  o: { tempDir: string; log: Log },
): Promise<Installed> {
  const tools: ResolvableTool[] = ['helm', 'kubectl'];
  if (inputs.kind.install || inputs.cluster === 'kind') tools.push('kind');
  const installed = await installResolvable(inputs, tools, o.tempDir, o.log);
  const kwokTools =
    inputs.cluster === 'kwok' ? await installKwokTools(inputs, o.tempDir, o.log) : undefined;
  return {
    all: new Map([...installed, ...(kwokTools ?? [])]),
    helm: installed.get('helm')!,
    kubectl: installed.get('kubectl')!,
    kind: installed.get('kind'),
  };
}

/**
 * Creates the cluster the inputs ask for (none: undefined). Its files go under
 * `workDir`. `onState` receives what deleting it takes before it is created,
 * so a half-created cluster can still be deleted, and undefined when nothing
 * was created after all (no container runtime for kind).
 */
export async function createCluster(
  inputs: Inputs,
  installed: Installed,
  o: { workDir: string; log: Log; onState?: (state: ClusterState | undefined) => void },
): Promise<CreatedCluster | undefined> {
  const onState = o.onState ?? (() => {});
  const kubectl = installed.kubectl.tool.path;
  if (inputs.cluster === 'kind') {
    const state = await createKind(
      inputs,
      { kind: installed.kind!.tool.path, kubectl },
      { workDir: o.workDir, log: o.log, onState },
    );
    return { kind: 'kind', name: state.name, kubeconfig: state.kubeconfig, state };
  }
  if (inputs.cluster === 'kwok') {
    const workdir = path.join(o.workDir, 'kwok');
    const bin = (name: string) => installed.all.get(name)!.tool.path;
    const state: ClusterState = {
      kind: 'kwok',
      name: inputs.clusterName,
      kwokctl: bin('kwokctl'),
      workdir,
    };
    onState(state);
    const created = await createKwok(inputs, installed.all, kubectl, workdir);
    return { kind: 'kwok', name: created.name, kubeconfig: created.kubeconfig, state };
  }
  return undefined;
}

/** Deletes a cluster created by createCluster, from the state it handed out. */
export async function deleteCluster(state: ClusterState, log: Log): Promise<void> {
  log(`Deleting ${state.kind} cluster '${state.name}'`);
  if (state.kind === 'kind') {
    await deleteKind(state, log);
  } else {
    await deleteKwok(state);
  }
  log(`Deleted ${state.kind} cluster '${state.name}'`);
}
