// actions/setup: installs the tools and creates the requested cluster through
// src/setup, then puts them on PATH, sets the outputs and the job summary; the
// post step deletes that cluster.
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { summaryMarkdown, clusterOutputs, toolOutputs } from '../../setup/report.js';
import {
  createCluster,
  deleteCluster,
  installTools,
  type ClusterState,
} from '../../setup/setup.js';
import * as out from '../kit/channels.js';
import { getInputs } from './inputs.js';

export type { ClusterState } from '../../setup/setup.js';

const STATE_CLUSTER = 'cluster';

function workDir(): string {
  return path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'hotswap-setup');
}

const info = (line: string) => out.info(line);

function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) out.setOutput(name, value);
}

export async function main(): Promise<void> {
  const inputs = getInputs();
  const installed = await installTools(inputs, { tempDir: workDir(), log: info });

  for (const entry of installed.all.values()) core.addPath(entry.tool.dir);
  setOutputs(toolOutputs(installed.all));

  const cluster = await createCluster(inputs, installed, {
    workDir: workDir(),
    log: info,
    // Saved before the cluster is created: the post step deletes even a half-created one.
    onState: (state) => core.saveState(STATE_CLUSTER, state ? JSON.stringify(state) : ''),
  });
  if (cluster) {
    core.exportVariable('KUBECONFIG', cluster.kubeconfig);
    setOutputs(clusterOutputs(cluster));
  }
  await out.writeSummary(summaryMarkdown(installed.all, cluster));
}

export async function post(): Promise<void> {
  const raw = core.getState(STATE_CLUSTER);
  if (!raw) return;
  await deleteCluster(JSON.parse(raw) as ClusterState, info);
}
