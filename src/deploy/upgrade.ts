// The argv of `helm upgrade --install` for a deploy. Pure: the flags differ
// between helm 3 and helm 4 and between wait strategies, and are tested here.
// Secret values only ever appear as a file path.
import { formatDuration } from '../inputs/parse.js';
import type { HelmMajor } from '../helm/helm.js';
import { imageSetArgs } from './image-values.js';
import type { DeploySettings } from './settings.js';

export interface UpgradeArgsOptions {
  major: HelmMajor;
  /** Chart path or oci:// reference. */
  chartRef: string;
  secretValuesFile?: string;
  /** `server` or `client` to render without applying. */
  dryRun?: 'server' | 'client';
}

type UpgradeSettings = Pick<
  DeploySettings,
  | 'release'
  | 'namespace'
  | 'createNamespace'
  | 'valuesFiles'
  | 'overrides'
  | 'imageTag'
  | 'imageDigest'
  | 'imageValues'
  | 'timeoutMs'
  | 'wait'
  | 'rollbackOnFailure'
  | 'historyMax'
  | 'chart'
>;

export function upgradeArgs(s: UpgradeSettings, o: UpgradeArgsOptions): string[] {
  const args = ['upgrade', s.release, o.chartRef, '--install', '-n', s.namespace];
  if (s.chart.kind !== 'local') args.push('--version', s.chart.version);
  if (s.chart.kind === 'oci' && s.chart.plainHttp) args.push('--plain-http');
  if (s.createNamespace) args.push('--create-namespace');
  // Without it, an upgrade given no values at all (no values files, no --set,
  // no secret values) reuses the previous revision's: a deploy of the chart's
  // defaults would bring back what an earlier run set, a broken revision's
  // values included. What is deployed is what this run says, and only that.
  args.push('--reset-values');
  for (const file of s.valuesFiles) args.push('-f', file);
  if (o.secretValuesFile) args.push('-f', o.secretValuesFile);
  for (const set of s.overrides) args.push('--set', set);
  args.push(...imageSetArgs(s.imageValues, s.imageTag, s.imageDigest));
  args.push('--history-max', String(s.historyMax), '--timeout', formatDuration(s.timeoutMs));
  args.push('-o', 'json');
  if (o.dryRun) {
    args.push(`--dry-run=${o.dryRun}`);
    return args;
  }
  if (o.major === 4) args.push('--server-side=true');
  if (s.wait === 'helm') {
    args.push(o.major === 4 ? '--wait=watcher' : '--wait');
    if (s.rollbackOnFailure) args.push(o.major === 4 ? '--rollback-on-failure' : '--atomic');
  }
  // watch and none: helm applies and returns (helm 4 still waits for hooks,
  // helm 3 always does); the rollout is judged by our watch.
  return args;
}
