// The defaults table (src/inputs/defaults.ts) against every actions/*/action.yml:
// the runner takes a missing input's default from action.yml, the parsers from
// the table, and the two must never differ.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUT_DEFAULTS, withDefaults } from '../../../src/inputs/defaults.js';
import { readRollbackInputs } from '../../../src/rollback/inputs.js';

const ACTIONS = path.resolve(import.meta.dirname, '../../../actions');

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean }>;
}

function actionDefaults(action: string): Record<string, string> {
  const doc = parse(readFileSync(path.join(ACTIONS, action, 'action.yml'), 'utf8')) as ActionYml;
  return Object.fromEntries(
    Object.entries(doc.inputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [name, String(input.default)]),
  );
}

const actions = readdirSync(ACTIONS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('input defaults', () => {
  it('has a table for every action and an action for every table', () => {
    expect(Object.keys(INPUT_DEFAULTS).sort()).toEqual([...actions].sort());
  });

  it.each(actions)('actions/%s/action.yml declares the defaults of the table', (action) => {
    expect(actionDefaults(action)).toEqual(INPUT_DEFAULTS[action as keyof typeof INPUT_DEFAULTS]);
  });

  it('answers a blank input with its default and leaves a given one alone', () => {
    const read = withDefaults(
      (name) => ({ 'history-max': '3', timeout: '  ' })[name] ?? '',
      'rollback',
    );
    expect(read('history-max')).toBe('3');
    expect(read('timeout')).toBe('5m');
    expect(read('crash-loop-restarts')).toBe('1');
    expect(read('release')).toBe('');
  });

  it('never answers with a workflow expression', () => {
    expect(withDefaults(() => '', 'setup')('token')).toBe('');
  });

  it('gives the parsers the defaults action.yml declares', () => {
    const s = readRollbackInputs((name) => ({ release: 'web', namespace: 'apps' })[name] ?? '');
    expect(s).toMatchObject({
      helmBin: 'helm',
      kubectlBin: 'kubectl',
      timeoutMs: 300_000,
      wait: 'watch',
      historyMax: 10,
      crashLoopRestarts: 1,
      unschedulableGraceMs: 30_000,
    });
  });
});
