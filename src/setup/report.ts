// What setup installed and created, as the action's outputs and job summary.
import type { InstalledTool } from '../tools/install.js';
import type { ResolvedVersion } from '../tools/resolve.js';
import { majorOf } from '../tools/versions.js';

export interface Installation {
  tool: InstalledTool;
  resolved: ResolvedVersion;
}

export interface ClusterReport {
  kind: 'kind' | 'kwok';
  name: string;
  kubeconfig: string;
}

/** helm/kubectl/kind paths and versions, helm-major and cache-hit, by their action.yml names. */
export function toolOutputs(installed: Map<string, Installation>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['helm', 'kubectl', 'kind']) {
    const entry = installed.get(name);
    if (!entry) continue;
    out[`${name}-path`] = entry.tool.path;
    out[`${name}-version`] = entry.tool.version;
  }
  const helm = installed.get('helm');
  if (helm) out['helm-major'] = String(majorOf(helm.tool.version));
  out['cache-hit'] = String([...installed.values()].every((e) => e.tool.fromCache));
  return out;
}

export function clusterOutputs(cluster: ClusterReport): Record<string, string> {
  return { 'cluster-name': cluster.name, kubeconfig: cluster.kubeconfig };
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
