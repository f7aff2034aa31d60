// The CLI's flags are the actions' inputs: read from each actions/<name>/action.yml
// at run time, so a flag's name, description and default can never drift from
// the action's.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { InputReader } from '../inputs/parse.js';

export interface InputSpec {
  name: string;
  description: string;
  /** The action.yml default; undefined when none or when it is a workflow expression. */
  default?: string;
  required: boolean;
}

export interface ActionSpec {
  name: string;
  description: string;
  inputs: InputSpec[];
  outputs: string[];
}

interface ActionYaml {
  description?: string;
  inputs?: Record<string, { description?: string; default?: unknown; required?: boolean }>;
  outputs?: Record<string, unknown>;
}

/** The repository root: the nearest directory up from here holding actions/. */
export function repoRoot(from = import.meta.dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'actions')) && existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no actions/ directory above ${from}`);
    dir = parent;
  }
}

export function loadActionSpec(action: string, root = repoRoot()): ActionSpec {
  const file = path.join(root, 'actions', action, 'action.yml');
  const doc = parse(readFileSync(file, 'utf8')) as ActionYaml;
  const inputs = Object.entries(doc.inputs ?? {}).map(([name, spec]) => {
    const raw =
      spec.default === undefined || spec.default === null ? undefined : String(spec.default);
    return {
      name,
      description: (spec.description ?? '').trim(),
      // `${{ github.token }}` and friends only mean something on a runner.
      default: raw !== undefined && !raw.includes('${{') ? raw : undefined,
      required: spec.required === true,
    };
  });
  return {
    name: action,
    description: (doc.description ?? '').trim(),
    inputs,
    outputs: Object.keys(doc.outputs ?? {}),
  };
}

/** Given values first, then the action.yml default, as the runner fills them in. */
export function inputReader(spec: ActionSpec, given: Record<string, string>): InputReader {
  const defaults = new Map(spec.inputs.map((i) => [i.name, i.default ?? '']));
  return (name) => (given[name] ?? defaults.get(name) ?? '').trim();
}
