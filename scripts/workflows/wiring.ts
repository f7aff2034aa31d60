// Checks the wiring between workflows and what they call, which GitHub only
// reports when a run reaches the broken step: `with:` keys and required inputs
// of local actions (`uses: ./actions/<name>`) and of reusable workflows, the
// secrets handed to a reusable workflow, and every `steps.<id>.outputs.<x>`,
// `needs.<job>.outputs.<x>`, `jobs.<job>.outputs.<x>`, `inputs.<x>` and
// `secrets.<x>` read against what is declared.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  isRequired,
  loadAction,
  loadWorkflow,
  needsOf,
  type ActionMetadata,
  type Job,
  type Step,
  type Workflow,
} from './model.js';

export interface WiringProblem {
  file: string;
  /** `jobs.<job>` or `jobs.<job>.steps[<n>]`, or `on.workflow_call.outputs.<x>`. */
  where: string;
  message: string;
}

export interface WiringOptions {
  /** Root of the repository that `./` paths resolve against (the workspace). */
  root: string;
  /**
   * `owner/repo` spellings that mean this repository, so `owner/repo/.github/workflows/x.yml@ref`
   * in an example is checked against the local file.
   */
  selfRepositories?: string[];
}

/** Secrets every workflow can read without declaring them. */
const BUILTIN_SECRETS = new Set(['GITHUB_TOKEN', 'github_token']);

/** The expressions in a value: the `${{ }}` parts, or the whole value of an `if:`. */
function expressions(value: unknown, isIf = false): string[] {
  if (typeof value === 'boolean' || typeof value === 'number') return [];
  if (typeof value !== 'string') {
    if (Array.isArray(value)) return value.flatMap((v) => expressions(v));
    if (value && typeof value === 'object')
      return Object.entries(value).flatMap(([k, v]) => expressions(v, k === 'if'));
    return [];
  }
  const found = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!);
  if (isIf && found.length === 0) return [value];
  return found;
}

const NAME = String.raw`[A-Za-z_][\w-]*`;
const refs = (exprs: string[], pattern: RegExp): RegExpMatchArray[] =>
  exprs.flatMap((e) => [...e.matchAll(pattern)]);

/** Where a local `uses:` points, or undefined for a remote or docker reference. */
function localTarget(uses: string, options: WiringOptions): string | undefined {
  if (uses.startsWith('./')) return path.join(options.root, uses);
  for (const self of options.selfRepositories ?? []) {
    if (uses.toLowerCase().startsWith(`${self.toLowerCase()}/`)) {
      const rest = uses.slice(self.length + 1).replace(/@[^@]*$/, '');
      return path.join(options.root, rest);
    }
  }
  return undefined;
}

/** Checks one caller's `with:` against declared inputs: unknown keys and missing required ones. */
function checkWith(
  given: Record<string, unknown> | undefined,
  declared: Record<string, { required?: boolean; default?: unknown }>,
  what: string,
): string[] {
  const problems: string[] = [];
  const keys = Object.keys(given ?? {});
  for (const key of keys) {
    if (!(key in declared)) problems.push(`${what} has no input '${key}'`);
  }
  for (const [name, input] of Object.entries(declared)) {
    if (isRequired(input) && !keys.includes(name))
      problems.push(`required input '${name}' of ${what} is not given`);
  }
  return problems;
}

export function checkWorkflowFile(file: string, options: WiringOptions): WiringProblem[] {
  const workflow = loadWorkflow(file);
  const problems: WiringProblem[] = [];
  const report = (where: string, message: string) => problems.push({ file, where, message });

  // What each job exposes through `needs.<job>.outputs`.
  const jobOutputs = new Map<string, Set<string> | undefined>();
  const called = new Map<string, Workflow>();
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (job.uses) {
      const target = localTarget(job.uses, options);
      if (target && existsSync(target)) {
        const callee = loadWorkflow(target);
        called.set(jobId, callee);
        jobOutputs.set(jobId, new Set(Object.keys(callee.call?.outputs ?? {})));
      } else {
        jobOutputs.set(jobId, undefined); // a remote workflow: not checkable here
      }
    } else {
      jobOutputs.set(jobId, new Set(Object.keys(job.outputs ?? {})));
    }
  }

  const declaredInputs = new Set([
    ...Object.keys(workflow.call?.inputs ?? {}),
    ...Object.keys(workflow.dispatchInputs),
  ]);
  const declaredSecrets = new Set(Object.keys(workflow.call?.secrets ?? {}));
  // A workflow that is only ever called declares every secret it reads; a
  // top-level workflow (push, pull_request, ...) reads repository secrets freely.
  const onlyCalled =
    workflow.call !== undefined && Object.keys(workflow.raw.on as object).length === 1;

  const checkContextRefs = (where: string, exprs: string[]) => {
    for (const [, name] of refs(exprs, new RegExp(String.raw`\binputs\.(${NAME})`, 'g'))) {
      if (!declaredInputs.has(name!)) report(where, `reads inputs.${name}, which is not declared`);
    }
    if (onlyCalled) {
      for (const [, name] of refs(exprs, new RegExp(String.raw`\bsecrets\.(${NAME})`, 'g'))) {
        if (!declaredSecrets.has(name!) && !BUILTIN_SECRETS.has(name!))
          report(where, `reads secrets.${name}, which is not declared in on.workflow_call.secrets`);
      }
    }
  };

  const checkNeedsRefs = (jobId: string, job: Job, where: string, exprs: string[]) => {
    const needs = needsOf(job);
    const pattern = new RegExp(String.raw`\bneeds\.(${NAME})\.outputs\.(${NAME})`, 'g');
    for (const [, other, output] of refs(exprs, pattern)) {
      if (!needs.includes(other!)) {
        report(
          where,
          `reads needs.${other}.outputs.${output} but job '${jobId}' does not need '${other}'`,
        );
        continue;
      }
      const outputs = jobOutputs.get(other!);
      if (!jobOutputs.has(other!)) report(where, `needs unknown job '${other}'`);
      else if (outputs && !outputs.has(output!))
        report(
          where,
          `reads needs.${other}.outputs.${output}, which job '${other}' does not declare`,
        );
    }
    for (const other of needs) {
      if (!(other in workflow.jobs)) report(`jobs.${jobId}`, `needs unknown job '${other}'`);
    }
  };

  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    const jobWhere = `jobs.${jobId}`;
    if (job.uses) {
      const callee = called.get(jobId);
      if (!callee && localTarget(job.uses, options))
        report(jobWhere, `calls ${job.uses}, which does not exist`);
      if (callee) {
        const what = `workflow ${job.uses}`;
        if (!callee.call) report(jobWhere, `calls ${job.uses}, which has no on.workflow_call`);
        for (const message of checkWith(job.with, callee.call?.inputs ?? {}, what))
          report(jobWhere, message);
        if (job.secrets !== 'inherit') {
          const given = Object.keys(job.secrets ?? {});
          const declared = callee.call?.secrets ?? {};
          for (const key of given)
            if (!(key in declared)) report(jobWhere, `${what} has no secret '${key}'`);
          for (const [name, secret] of Object.entries(declared))
            if (secret.required && !given.includes(name))
              report(jobWhere, `required secret '${name}' of ${what} is not given`);
        }
      }
      const exprs = expressions({ with: job.with, secrets: job.secrets, if: job.if });
      checkContextRefs(jobWhere, exprs);
      checkNeedsRefs(jobId, job, jobWhere, exprs);
      continue;
    }

    const steps: Step[] = job.steps ?? [];
    // Step id -> the local action's metadata (undefined: a run step or remote action).
    const seen = new Map<string, ActionMetadata | undefined>();
    const allIds = new Set(steps.map((s) => s.id).filter((id): id is string => Boolean(id)));

    const checkStepRefs = (where: string, exprs: string[]) => {
      const pattern = new RegExp(
        String.raw`\bsteps\.(${NAME})\.(outputs|outcome|conclusion)\b(?:\.(${NAME}))?`,
        'g',
      );
      for (const [, id, kind, output] of refs(exprs, pattern)) {
        if (!seen.has(id!)) {
          report(
            where,
            allIds.has(id!)
              ? `reads steps.${id}, which runs later`
              : `reads steps.${id}, but no step has id '${id}'`,
          );
          continue;
        }
        const action = seen.get(id!);
        if (kind === 'outputs' && output && action && !(output in action.outputs))
          report(where, `reads steps.${id}.outputs.${output}, which the action does not declare`);
      }
    };

    steps.forEach((step, index) => {
      const where = `${jobWhere}.steps[${index}]${step.id ? ` (${step.id})` : ''}`;
      const exprs = expressions(step);
      checkStepRefs(where, exprs);
      checkContextRefs(where, exprs);
      checkNeedsRefs(jobId, job, where, exprs);
      let action: ActionMetadata | undefined;
      const target = step.uses && localTarget(step.uses, options);
      if (target) {
        if (
          !existsSync(path.join(target, 'action.yml')) &&
          !existsSync(path.join(target, 'action.yaml'))
        ) {
          report(where, `uses ${step.uses}, which has no action.yml`);
        } else {
          action = loadAction(target);
          for (const message of checkWith(
            step.with as Record<string, unknown> | undefined,
            action.inputs,
            `action ${step.uses}`,
          ))
            report(where, message);
        }
      }
      if (step.id) seen.set(step.id, action);
    });

    // Job outputs, if:, env, strategy... are read after (or around) the steps.
    const rest = { ...job, steps: undefined };
    const exprs = expressions(rest);
    checkStepRefs(`${jobWhere} (outputs, if, env)`, expressions({ outputs: job.outputs }));
    checkContextRefs(jobWhere, exprs);
    checkNeedsRefs(jobId, job, jobWhere, exprs);
  }

  // Workflow outputs read job outputs.
  for (const [name, output] of Object.entries(workflow.call?.outputs ?? {})) {
    const where = `on.workflow_call.outputs.${name}`;
    const pattern = new RegExp(String.raw`\bjobs\.(${NAME})\.outputs\.(${NAME})`, 'g');
    const exprs = expressions(output.value ?? '');
    if (exprs.length === 0) report(where, 'has no value expression');
    for (const [, jobId, out] of refs(exprs, pattern)) {
      if (!(jobId! in workflow.jobs)) report(where, `reads jobs.${jobId}, which does not exist`);
      else if (!jobOutputs.get(jobId!)?.has(out!))
        report(where, `reads jobs.${jobId}.outputs.${out}, which job '${jobId}' does not declare`);
    }
  }
  return problems;
}

export function formatProblems(problems: WiringProblem[], root: string): string {
  return problems.map((p) => `${path.relative(root, p.file)}: ${p.where}: ${p.message}`).join('\n');
}
