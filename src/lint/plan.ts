// The values sets to lint: one per environment (its values files in order,
// `{env}` substituted), plus one per `ci/*-values.yaml` of the chart when
// asked (chart defaults + that file, as chart-testing lints them).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface ValuesSet {
  /** `dev`, or `ci/minimal-values` for a chart test scenario. */
  name: string;
  kind: 'environment' | 'ci';
  /** Values files, lowest precedence first (the chart's values.yaml is implied, as helm does). */
  files: string[];
}

export const ENV_PLACEHOLDER = '{env}';

export function environmentSet(
  environment: string,
  patterns: readonly string[],
  root: string,
): ValuesSet {
  return {
    name: environment,
    kind: 'environment',
    files: patterns.map((p) => path.resolve(root, p.split(ENV_PLACEHOLDER).join(environment))),
  };
}

/** `ci/*-values.yaml` files of a chart, sorted, as sets of their own. */
export function ciSets(chartDir: string): ValuesSet[] {
  const dir = path.join(chartDir, 'ci');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /-values\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({
      name: `ci/${f.replace(/\.ya?ml$/, '')}`,
      kind: 'ci' as const,
      files: [path.join(dir, f)],
    }));
}
