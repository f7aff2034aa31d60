// hotswap-ci setup: the setup action's domain module from a terminal. Tools go
// to the tool cache (a local one when RUNNER_TOOL_CACHE is unset); a created
// cluster stays up after the command, until `hotswap-ci teardown` deletes it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDnsLabel } from '../../inputs/parse.js';
import { registerSecret } from '../../secrets/redact.js';
import { parseInputs } from '../../setup/inputs.js';
import { clusterOutputs, toolOutputs } from '../../setup/report.js';
import {
  createCluster,
  deleteCluster,
  installTools,
  type ClusterState,
} from '../../setup/setup.js';
import type { ActionSpec } from '../action-inputs.js';
import type { Command } from '../command.js';
import { clusterDir, useLocalToolCache } from '../local-cache.js';

/** What teardown reads to delete the cluster, written before the cluster is created. */
const STATE_FILE = 'cluster.json';

export function teardownHint(name: string): string {
  return `hotswap-ci teardown --cluster-name ${name}`;
}

export const setupCommand: Command = {
  name: 'setup',
  action: 'setup',
  notes: [
    'From a terminal: when RUNNER_TOOL_CACHE and RUNNER_TEMP are unset, the tools go to',
    '$XDG_CACHE_HOME/hotswap-ci/tool-cache (default ~/.cache/hotswap-ci/tool-cache) and downloads',
    'are staged in .../hotswap-ci/tmp. A kind or kwok cluster keeps its files under',
    '.../hotswap-ci/clusters/<cluster-name> and stays up after the command (there is no post',
    "step): delete it with 'hotswap-ci teardown --cluster-name <name>'.",
  ].join('\n'),
  async run(read, ctx) {
    const token = read('token');
    if (token) registerSecret(token);
    // Every input is checked before anything is downloaded or created.
    const inputs = parseInputs(read, { workspace: ctx.cwd });
    const dir = clusterDir(inputs.clusterName);
    const stateFile = path.join(dir, STATE_FILE);
    if (inputs.cluster !== 'none' && existsSync(stateFile))
      throw new Error(
        `a cluster named '${inputs.clusterName}' from an earlier 'hotswap-ci setup' still exists; ` +
          `delete it with '${teardownHint(inputs.clusterName)}' or choose another --cluster-name`,
      );

    useLocalToolCache(ctx.log);
    const installed = await installTools(inputs, { tempDir: ctx.tempDir, log: ctx.log });
    const outputs = toolOutputs(installed.all);
    const tools = [...installed.all].map(([name, e]) => `${name} ${e.tool.version}`).join(', ');
    if (inputs.cluster === 'none') return { ok: true, detail: tools, outputs };

    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let state: ClusterState | undefined;
    try {
      const cluster = await createCluster(inputs, installed, {
        workDir: dir,
        log: ctx.log,
        onState: (s) => {
          state = s;
          if (s) writeFileSync(stateFile, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
          else rmSync(stateFile, { force: true });
        },
      });
      const hint = teardownHint(cluster!.name);
      ctx.log(`${cluster!.kind} cluster '${cluster!.name}' is up; delete it with: ${hint}`);
      return {
        ok: true,
        detail: `${tools}; ${cluster!.kind} cluster '${cluster!.name}' (delete: ${hint})`,
        outputs: { ...outputs, ...clusterOutputs(cluster!) },
      };
    } catch (error) {
      // No post step here: a half-created cluster is deleted before reporting the failure.
      if (state) await removeCluster(state, dir, ctx.log).catch(() => {});
      throw error;
    }
  },
};

async function removeCluster(
  state: ClusterState,
  dir: string,
  log: (line: string) => void,
): Promise<void> {
  await deleteCluster(state, log);
  rmSync(dir, { recursive: true, force: true });
}

const TEARDOWN_SPEC: ActionSpec = {
  name: 'teardown',
  description:
    "Deletes a kind or kwok cluster that 'hotswap-ci setup --cluster kind|kwok' created (the " +
    "action's post step does this on a runner), with its kubeconfig and working files.",
  inputs: [
    {
      name: 'cluster-name',
      description: 'Name of the cluster, as given to setup.',
      default: 'hotswap',
      required: false,
    },
  ],
  outputs: ['cluster-name'],
};

export const teardownCommand: Command = {
  name: 'teardown',
  action: 'setup',
  spec: TEARDOWN_SPEC,
  async run(read, ctx) {
    const name = parseDnsLabel('cluster-name', read('cluster-name'), 40);
    const dir = clusterDir(name);
    const stateFile = path.join(dir, STATE_FILE);
    if (!existsSync(stateFile))
      throw new Error(`no cluster named '${name}' was created by 'hotswap-ci setup' (${dir})`);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterState;
    await removeCluster(state, dir, ctx.log);
    return {
      ok: true,
      detail: `deleted ${state.kind} cluster '${name}'`,
      outputs: { 'cluster-name': name },
    };
  },
};
