// What a response must look like to pass: the health endpoint's status and
// JSON fields, the metrics endpoint's status, exposition format, required
// metric names and conditions. Pure functions of one HTTP response.
import { evaluateJsonField, type JsonFieldCheck } from './json-fields.js';
import { evaluateCondition, type MetricCondition } from './metric-conditions.js';
import { MetricsFormatError, parsePrometheusText } from './prometheus-text.js';

export interface HealthCheckSpec {
  kind: 'health';
  name: string;
  url: string;
  expectedStatus: readonly number[];
  fields: readonly JsonFieldCheck[];
}

export interface MetricsCheckSpec {
  kind: 'metrics';
  name: string;
  url: string;
  expectedStatus: readonly number[];
  required: readonly string[];
  conditions: readonly MetricCondition[];
}

export type CheckSpec = HealthCheckSpec | MetricsCheckSpec;

export interface Verdict {
  passed: boolean;
  /** One line per problem, empty when passed. */
  problems: string[];
  /** Facts worth reporting on success too (matched values, metric count). */
  notes: string[];
}

function statusProblem(status: number, expected: readonly number[]): string | undefined {
  if (expected.includes(status)) return undefined;
  return `HTTP ${status}, expected ${expected.join(' or ')}`;
}

export function judgeHealth(spec: HealthCheckSpec, status: number, body: string): Verdict {
  const problems: string[] = [];
  const notes: string[] = [];
  const wrongStatus = statusProblem(status, spec.expectedStatus);
  if (wrongStatus) problems.push(wrongStatus);
  if (spec.fields.length > 0) {
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch {
      problems.push('the body is not JSON, so its fields cannot be checked');
      return { passed: false, problems, notes };
    }
    for (const field of spec.fields) {
      const result = evaluateJsonField(field, document);
      if (result.passed) notes.push(result.detail);
      else problems.push(`${field.text}: ${result.detail}`);
    }
  }
  return { passed: problems.length === 0, problems, notes };
}

export function judgeMetrics(spec: MetricsCheckSpec, status: number, body: string): Verdict {
  const wrongStatus = statusProblem(status, spec.expectedStatus);
  if (wrongStatus) return { passed: false, problems: [wrongStatus], notes: [] };
  let exposition;
  try {
    exposition = parsePrometheusText(body);
  } catch (error) {
    if (!(error instanceof MetricsFormatError)) throw error;
    return {
      passed: false,
      problems: [`not the Prometheus text format, ${error.message}`],
      notes: [],
    };
  }
  const problems: string[] = [];
  const notes = [`${exposition.families.size} metric families`];
  const names = new Set([
    ...exposition.families.keys(),
    ...exposition.samples.map((sample) => sample.name),
  ]);
  const missing = spec.required.filter((name) => !names.has(name));
  if (missing.length) problems.push(`missing metrics: ${missing.join(', ')}`);
  for (const condition of spec.conditions) {
    const result = evaluateCondition(condition, exposition.samples);
    if (result.passed) notes.push(`${condition.text} (${result.detail})`);
    else problems.push(`${condition.text} not met: ${result.detail}`);
  }
  return { passed: problems.length === 0, problems, notes };
}

export function judge(spec: CheckSpec, status: number, body: string): Verdict {
  return spec.kind === 'health'
    ? judgeHealth(spec, status, body)
    : judgeMetrics(spec, status, body);
}
