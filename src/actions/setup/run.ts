// actions/setup: the setup step (src/setup/step.ts) run by the action runner.
// The tools go on PATH, the cluster's kubeconfig into KUBECONFIG, and its
// state into the action's state, from which the post step deletes it.
import path from 'node:path';
import * as core from '@actions/core';
import { toolOutputs } from '../../setup/report.js';
import type { ClusterState } from '../../setup/setup.js';
import { deleteCluster, setupStep } from '../../setup/step.js';
import * as out from '../kit/channels.js';
import { actionStep } from '../kit/step-runner.js';

export type { ClusterState } from '../../setup/setup.js';

const STATE_CLUSTER = 'cluster';

const workDir = (ctx: { tempDir: string }) => path.join(ctx.tempDir, 'hotswap-setup');

export const main = actionStep(
  setupStep({
    workDir: (_inputs, ctx) => workDir(ctx),
    stagingDir: workDir,
    onInstalled(installed) {
      for (const entry of installed.all.values()) core.addPath(entry.tool.dir);
      // Set at once: a cluster that then fails to come up still leaves the tools' outputs.
      for (const [name, value] of Object.entries(toolOutputs(installed.all)))
        out.setOutput(name, value);
    },
    // Saved before the cluster is created: the post step deletes even a half-created one.
    onState: (state) => core.saveState(STATE_CLUSTER, state ? JSON.stringify(state) : ''),
    onCluster: (cluster) => core.exportVariable('KUBECONFIG', cluster.kubeconfig),
  }),
);

export async function post(): Promise<void> {
  const raw = core.getState(STATE_CLUSTER);
  if (!raw) return;
  await deleteCluster(JSON.parse(raw) as ClusterState, (line) => out.info(line));
}
