// The setup step: inputs -> tools installed -> the requested cluster created ->
// outputs. The action and `hotswap-ci setup` differ in where a cluster's
// files and state live and who deletes it later (the action's post step, or
// `hotswap-ci teardown`): that is their SetupHost.
import type { Step, StepContext } from '../step/step.js';
import { parseInputs, type Inputs } from './inputs.js';
import { clusterOutputs, summaryMarkdown, toolOutputs } from './report.js';
import {
  createCluster,
  deleteCluster,
  installTools,
  type ClusterState,
  type CreatedCluster,
  type Installed,
} from './setup.js';
import { recordHelmVersion } from '../helm/version-record.js';

export interface SetupHost {
  /** Where a cluster keeps its files (they outlive the step). */
  workDir(inputs: Inputs, ctx: StepContext): string;
  /** Where downloads are staged (default: the step's temp dir). */
  stagingDir?(ctx: StepContext): string;
  /** Before anything is downloaded (the CLI refuses a cluster name in use). */
  prepare?(inputs: Inputs, ctx: StepContext): void;
  /** The tools are installed (the action puts them on PATH). */
  onInstalled?(installed: Installed): void;
  /** Saved before the cluster is created: whoever deletes it later reads it. */
  onState(state: ClusterState | undefined, inputs: Inputs): void;
  /** The cluster is up (the action exports KUBECONFIG). */
  onCluster?(cluster: CreatedCluster, ctx: StepContext): void;
  /** No post step: a half-created cluster is deleted before the failure is reported. */
  deleteOnFailure?(state: ClusterState, inputs: Inputs, ctx: StepContext): Promise<void>;
  /** How the detail line names the cluster (the CLI says how to delete it). */
  describe?(cluster: CreatedCluster): string;
}

export interface SetupOutcome {
  installed: Installed;
  cluster?: CreatedCluster;
}

export function setupStep(host: SetupHost): Step<Inputs, SetupOutcome> {
  return {
    action: 'setup',
    // Masked before anything else can print it.
    secretInputs: ['token'],
    parse: (read, ctx) => ({ settings: parseInputs(read, ctx), secrets: [] }),
    async run(inputs, ctx) {
      host.prepare?.(inputs, ctx);
      const tempDir = host.stagingDir?.(ctx) ?? ctx.tempDir;
      const installed = await installTools(inputs, { tempDir, log: ctx.log });
      // The verified release's version, so later steps need not run `helm version`.
      recordHelmVersion(installed.helm.tool.path, installed.helm.tool.version);
      host.onInstalled?.(installed);
      if (inputs.cluster === 'none') return { installed };
      const workDir = host.workDir(inputs, ctx);
      let state: ClusterState | undefined;
      try {
        const cluster = await createCluster(inputs, installed, {
          workDir,
          log: ctx.log,
          onState: (s) => {
            state = s;
            host.onState(s, inputs);
          },
        });
        if (cluster) host.onCluster?.(cluster, ctx);
        return { installed, cluster };
      } catch (error) {
        if (state && host.deleteOnFailure)
          await host.deleteOnFailure(state, inputs, ctx).catch(() => {});
        throw error;
      }
    },
    outputs: ({ installed, cluster }) => ({
      ...toolOutputs(installed.all),
      ...(cluster ? clusterOutputs(cluster) : {}),
    }),
    ok: () => true,
    detail({ installed, cluster }) {
      const tools = [...installed.all].map(([name, e]) => `${name} ${e.tool.version}`).join(', ');
      if (!cluster) return tools;
      const named = `${cluster.kind} cluster '${cluster.name}'`;
      return `${tools}; ${host.describe ? host.describe(cluster) : named}`;
    },
    summary: ({ installed, cluster }) => summaryMarkdown(installed.all, cluster),
  };
}

export { deleteCluster };
