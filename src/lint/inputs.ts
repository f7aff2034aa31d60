// Reads every input of the lint action through `read(name)` (core.getInput in
// the action, the CLI's flags and action.yml defaults in hotswap-ci);
// validation is in ./settings.ts.
import type { LintInputs } from './settings.js';
import type { InputReader } from '../inputs/parse.js';

const NAMES: (keyof LintInputs)[] = [
  'chart',
  'environments',
  'values-files',
  'ci-values',
  'kubernetes-versions',
  'strict',
  'policy',
  'base-ref',
  'helm',
  'release-name',
  'namespace',
  'api-versions',
  'crds',
  'concurrency',
];

export function readLintInputs(read: InputReader): LintInputs {
  return Object.fromEntries(NAMES.map((name) => [name, read(name)])) as unknown as LintInputs;
}
