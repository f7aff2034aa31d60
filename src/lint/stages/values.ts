// Stage 1, values files: each file of the set parses as YAML. helm would stop
// at the first broken file with a less precise message, so a set whose
// values do not parse runs no helm at all.
import path from 'node:path';
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
