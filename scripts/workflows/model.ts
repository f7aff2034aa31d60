// Reading GitHub workflow files and action metadata into plain objects. Used by
// the wiring check and the workflow docs generator; nothing here knows about
// the runner.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

export interface ActionMetadata {
  name?: string;
  description?: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
}

export interface CallInput {
  description?: string;
  required?: boolean;
  type?: string;
  default?: string | number | boolean;
}

export interface CallSecret {
  description?: string;
  required?: boolean;
}

export interface CallOutput {
  description?: string;
  value?: string;
}

/** The `on.workflow_call` declarations of a reusable workflow. */
export interface WorkflowCall {
  inputs: Record<string, CallInput>;
  secrets: Record<string, CallSecret>;
  outputs: Record<string, CallOutput>;
}

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: 'inherit' | Record<string, unknown>;
  outputs?: Record<string, string>;
  steps?: Step[];
  if?: string | boolean;
  [key: string]: unknown;
}

export interface Workflow {
  file: string;
  name?: string;
  /** Present when the workflow can be called by others. */
  call?: WorkflowCall;
  /** Inputs of `workflow_dispatch`, readable as `inputs.<x>` too. */
  dispatchInputs: Record<string, CallInput>;
  jobs: Record<string, Job>;
  raw: Record<string, unknown>;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

export function readYamlFile(file: string): Record<string, unknown> {
  const doc = parse(readFileSync(file, 'utf8'));
  if (!doc || typeof doc !== 'object') throw new Error(`${file}: not a YAML mapping`);
  return doc as Record<string, unknown>;
}

/** `on:` in its three spellings (string, list, mapping) as a mapping of event -> config. */
function triggers(raw: Record<string, unknown>): Record<string, unknown> {
  // YAML 1.2 (the `yaml` package's default) reads a bare `on` key as the string "on" (YAML 1.2), never as `true`.
  const on = raw.on;
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((e) => [String(e), null]));
  return asRecord(on);
}

export function loadWorkflow(file: string): Workflow {
  const raw = readYamlFile(file);
  const on = triggers(raw);
  const callRaw = 'workflow_call' in on ? asRecord(on.workflow_call) : undefined;
  const call: WorkflowCall | undefined = callRaw && {
    inputs: asRecord(callRaw.inputs) as Record<string, CallInput>,
    secrets: asRecord(callRaw.secrets) as Record<string, CallSecret>,
    outputs: asRecord(callRaw.outputs) as Record<string, CallOutput>,
  };
  return {
    file,
    name: typeof raw.name === 'string' ? raw.name : undefined,
    call,
    dispatchInputs: asRecord(asRecord(on.workflow_dispatch).inputs) as Record<string, CallInput>,
    jobs: asRecord(raw.jobs) as Record<string, Job>,
    raw,
  };
}

export function loadAction(actionDir: string): ActionMetadata {
  const file = ['action.yml', 'action.yaml']
    .map((f) => path.join(actionDir, f))
    .find((f) => existsSync(f));
  if (!file) throw new Error(`${actionDir}: no action.yml`);
  const raw = readYamlFile(file);
  return {
    name: typeof raw.name === 'string' ? raw.name : undefined,
    description: typeof raw.description === 'string' ? raw.description : undefined,
    inputs: asRecord(raw.inputs) as Record<string, ActionInput>,
    outputs: asRecord(raw.outputs) as Record<string, { description?: string }>,
  };
}

/** A required `workflow_call` input or action input: required and without a default. */
export const isRequired = (input: { required?: boolean; default?: unknown }): boolean =>
  input.required === true && (input.default === undefined || input.default === null);

export const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
