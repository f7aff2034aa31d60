// Outputs and the job summary of actions/setup.
import * as core from '@actions/core';
import type { InstalledTool } from '../../tools/install.js';
import { majorOf } from '../../tools/versions.js';
import type { ResolvedVersion } from '../../tools/resolve.js';

export interface Installation {
  tool: InstalledTool;
  resolved: ResolvedVersion;
}

export interface ClusterReport {
  kind: 'kind' | 'kwok';
  name: string;
  kubeconfig: string;
}

export function setToolOutputs(installed: Map<string, Installation>): void {
  for (const name of ['helm', 'kubectl', 'kind']) {
    const entry = installed.get(name);
    if (!entry) continue;
    core.setOutput(`${name}-path`, entry.tool.path);
    core.setOutput(`${name}-version`, entry.tool.version);
  }
  const helm = installed.get('helm');
  if (helm) core.setOutput('helm-major', String(majorOf(helm.tool.version)));
  core.setOutput('cache-hit', String([...installed.values()].every((e) => e.tool.fromCache)));
}

export function setClusterOutputs(cluster: ClusterReport): void {
  core.setOutput('cluster-name', cluster.name);
  core.setOutput('kubeconfig', cluster.kubeconfig);
}

function source(entry: Installation): string {
  if (entry.tool.fromCache) return 'tool cache';
  return `downloaded from ${entry.tool.url}`;
}

export function summaryMarkdown(
  installed: Map<string, Installation>,
  cluster: ClusterReport | undefined,
): string {
  const lines: string[] = ['## Setup', ''];
  const helm = installed.get('helm');
  if (helm) {
    lines.push(
      `Helm **${majorOf(helm.tool.version)}** (${helm.tool.version}), resolved from '${helm.resolved.requested}'.`,
      '',
    );
  }
  lines.push('| tool | requested | version | source | sha256 |', '| --- | --- | --- | --- | --- |');
  for (const [name, entry] of installed) {
    const digest = entry.tool.sha256 ? `\`${entry.tool.sha256.slice(0, 12)}…\`` : '';
    lines.push(
      `| ${name} | ${entry.resolved.requested} | ${entry.tool.version} | ${source(entry)} | ${digest} |`,
    );
  }
  if (cluster) {
    lines.push(
      '',
      `Cluster **${cluster.name}** (${cluster.kind}) is ready; kubeconfig: \`${cluster.kubeconfig}\`.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
