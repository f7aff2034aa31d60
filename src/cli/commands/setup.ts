// hotswap-ci setup: the setup action's domain module from a terminal. Tools go
// to the tool cache (a local one when RUNNER_TOOL_CACHE is unset); a created
// cluster stays up after the command, until `hotswap-ci teardown` deletes it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDnsLabel } from '../../inputs/parse.js';
import { deleteCluster, type ClusterState } from '../../setup/setup.js';
import { setupStep, type SetupHost } from '../../setup/step.js';
import type { ActionSpec } from '../action-inputs.js';
import type { Command } from '../command.js';
import { clusterDir, useLocalToolCache } from '../local-cache.js';
import { stepCommand } from '../step-command.js';

/** What teardown reads to delete the cluster, written before the cluster is created. */
const STATE_FILE = 'cluster.json';

export function teardownHint(name: string): string {
  return `hotswap-ci teardown --cluster-name ${name}`;
}

/** Where `hotswap-ci setup` keeps a cluster: its own directory, with the state teardown reads. */
const cliHost: SetupHost = {
  workDir: (inputs) => clusterDir(inputs.clusterName),
  prepare(inputs, ctx) {
    if (
      inputs.cluster !== 'none' &&
      existsSync(path.join(clusterDir(inputs.clusterName), STATE_FILE))
    )
      throw new Error(
        `a cluster named '${inputs.clusterName}' from an earlier 'hotswap-ci setup' still exists; ` +
          `delete it with '${teardownHint(inputs.clusterName)}' or choose another --cluster-name`,
      );
    useLocalToolCache(ctx.log);
    if (inputs.cluster !== 'none')
      mkdirSync(clusterDir(inputs.clusterName), { recursive: true, mode: 0o700 });
  },
  onState(state, inputs) {
    const stateFile = path.join(clusterDir(inputs.clusterName), STATE_FILE);
    if (state) writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    else rmSync(stateFile, { force: true });
  },
  onCluster(cluster, ctx) {
    ctx.log(
      `${cluster.kind} cluster '${cluster.name}' is up; delete it with: ${teardownHint(cluster.name)}`,
    );
  },
  // No post step here: a half-created cluster is deleted before reporting the failure.
  deleteOnFailure: (state, inputs, ctx) =>
    removeCluster(state, clusterDir(inputs.clusterName), ctx.log),
  describe: (cluster) =>
    `${cluster.kind} cluster '${cluster.name}' (delete: ${teardownHint(cluster.name)})`,
};

export const setupCommand = stepCommand(setupStep(cliHost), {
  notes: [
    'From a terminal: when RUNNER_TOOL_CACHE and RUNNER_TEMP are unset, the tools go to',
    '$XDG_CACHE_HOME/hotswap-ci/tool-cache (default ~/.cache/hotswap-ci/tool-cache) and downloads',
    'are staged in .../hotswap-ci/tmp. A kind or kwok cluster keeps its files under',
    '.../hotswap-ci/clusters/<cluster-name> and stays up after the command (there is no post',
    "step): delete it with 'hotswap-ci teardown --cluster-name <name>'.",
  ].join('\n'),
});

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
