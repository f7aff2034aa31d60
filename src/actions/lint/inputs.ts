// Reads every input of actions/lint in one place; validation is in src/lint/settings.ts.
import * as core from '@actions/core';
import type { LintInputs } from '../../lint/settings.js';

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

export function getInputs(): LintInputs {
  return Object.fromEntries(
    NAMES.map((name) => [name, core.getInput(name)]),
  ) as unknown as LintInputs;
}
