// Where a values set's time went, for the summary's timing table: each phase
// as the sum of its own durations (a set's helm processes count from their
// start to their exit, not while queued for a slot in the pool).
import type { Limiter } from './limiter.js';

export interface SetTiming {
  /** Parsing the set's values files with positions (the chart's values.yaml counts once, in the first set). */
  values: number;
  helmLint: number;
  /** Every target's `helm template`. */
  helmTemplate: number;
  /** Writing and parsing the rendered manifests. */
  render: number;
  schema: number;
  policy: number;
}

/** Each phase's column in the summary, in order. */
export const PHASE_NAMES: Readonly<Record<keyof SetTiming, string>> = {
  values: 'values files',
  helmLint: 'helm lint',
  helmTemplate: 'helm template',
  render: 'rendered YAML',
  schema: 'schema',
  policy: 'policy',
};

export const PHASES = Object.keys(PHASE_NAMES) as (keyof SetTiming)[];

export function emptyTiming(): SetTiming {
  return { values: 0, helmLint: 0, helmTemplate: 0, render: 0, schema: 0, policy: 0 };
}

/** Runs `work`, adding its duration to `timing[phase]`. */
export function timed<T>(timing: SetTiming, phase: keyof SetTiming, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    timing[phase] += performance.now() - start;
  }
}

/** `limit`, with the time each task runs (not its wait for a slot) added to `timing[phase]`. */
export function timedLimiter(limit: Limiter, timing: SetTiming, phase: keyof SetTiming): Limiter {
  return (task) =>
    limit(async () => {
      const start = performance.now();
      try {
        return await task();
      } finally {
        timing[phase] += performance.now() - start;
      }
    });
}
