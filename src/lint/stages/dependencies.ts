// Stage 0, chart dependencies (chart-wide, once, before any values set): a
// chart that declares dependencies lints only with them under charts/, and
// they are rarely committed there. As the deploy does, those helm lists as
// missing are built (`helm dependency build`: file://, OCI and reachable
// repositories); one that cannot be fetched is an error on Chart.yaml with
// helm's reason, and the sets skip helm: it would only say the same three
// times (helm lint, helm template) for every set.
import path from 'node:path';
import { CommandError } from '../../exec/command.js';
import {
  ChartDependencyError,
  describeMissing,
  ensureChartDependencies,
  VENDOR_ADVICE,
} from '../../helm/chart-dependencies.js';
import type { Helm } from '../../helm/helm.js';
import { Locator } from '../locate.js';
import type { StageFinding } from './context.js';

export interface DependenciesOutcome {
  findings: StageFinding[];
  message: string;
  /** Some could not be fetched: helm refuses the chart without them. */
  missing: boolean;
}

/** Undefined for a chart that declares no dependencies: no row, no helm call. */
export async function dependenciesStage(
  helm: Helm,
  chartDir: string,
): Promise<DependenciesOutcome | undefined> {
  try {
    const done = await ensureChartDependencies(helm, chartDir);
    return done === undefined ? undefined : { findings: [], message: done, missing: false };
  } catch (error) {
    // `helm dependency list` refuses a Chart.yaml helm cannot load: helm lint says why.
    if (error instanceof CommandError) return undefined;
    if (!(error instanceof ChartDependencyError)) throw error;
    const chartYaml = path.join(chartDir, 'Chart.yaml');
    const message = `${describeMissing(error.missing)} could not be fetched (${error.reason}). ${VENDOR_ADVICE}`;
    const finding: StageFinding = {
      check: 'dependencies',
      severity: 'error',
      title: 'dependencies',
      message,
      file: chartYaml,
      line: new Locator(chartDir, []).lineOfKey(chartYaml, 'dependencies'),
    };
    return {
      findings: [finding],
      message: `helm dependency build failed: ${error.reason}`,
      missing: true,
    };
  }
}
