// Stage 6, chart version (chart-wide, once): with a base ref, a chart that
// changed since it needs a greater Chart.yaml version (version-bump.ts).
import path from 'node:path';
import { Locator } from '../locate.js';
import { checkVersionBump } from '../version-bump.js';
import type { StageFinding } from './context.js';

export interface VersionBumpOutcome {
  findings: StageFinding[];
  message: string;
}

export async function versionBumpStage(
  chartDir: string,
  baseRef: string,
): Promise<VersionBumpOutcome> {
  const result = await checkVersionBump(chartDir, baseRef);
  if (result.status !== 'fail') return { findings: [], message: result.message };
  const chartYaml = path.join(chartDir, 'Chart.yaml');
  const finding: StageFinding = {
    check: 'chart version',
    severity: 'error',
    title: 'chart version',
    message: result.message,
    file: chartYaml,
    line: new Locator(chartDir, []).lineOfKey(chartYaml, 'version'),
  };
  return { findings: [finding], message: result.message };
}
