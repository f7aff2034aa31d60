// Stage 1, values files: each file of the set parses as YAML. helm would stop
// at the first broken file with a less precise message, so a set whose
// values do not parse runs no helm at all. Then the keys of the set's own
// files are compared with the chart's (misspeltKeyStage).
import path from 'node:path';
import type { ChartValues } from '../chart-values.js';
import type { Level } from '../policy-config.js';
import { KeyMentions, formatKeyPath, misspeltKeys } from '../values-keys.js';
import type { ValuesFile } from '../values-files.js';
import type { StageFinding } from './context.js';

export function valuesStage(files: readonly ValuesFile[]): StageFinding[] {
  return files.flatMap((file) =>
    file.errors.map((error) => ({
      check: 'values' as const,
      severity: 'error' as const,
      title: 'values: YAML syntax',
      message: `${path.basename(file.file)}: ${error.message}`,
      file: file.file,
      line: error.line,
      column: error.column,
    })),
  );
}

/** One per chart, shared by the sets: it remembers the keys it looked for. */
const mentionsOf = new WeakMap<ChartValues, KeyMentions>();

/**
 * Keys of the set's own values files that look like slips of a key the chart
 * has (values-keys.ts), at the level the set's policy gives misspelt-key.
 */
export function misspeltKeyStage(
  files: readonly ValuesFile[],
  chart: ChartValues | undefined,
  level: Level,
): StageFinding[] {
  if (!chart || level === 'off') return [];
  let mentions = mentionsOf.get(chart);
  if (!mentions) mentionsOf.set(chart, (mentions = new KeyMentions(chart.texts)));
  return files.flatMap((file) =>
    misspeltKeys(file, chart, mentions).map(({ entry, suggestion }) => ({
      check: 'values' as const,
      severity: level,
      title: 'values/misspelt-key',
      message: `values key ${formatKeyPath(entry.path)} is not one the chart has; did you mean ${formatKeyPath(suggestion)}?`,
      file: file.file,
      line: entry.line,
      column: entry.column,
    })),
  );
}
