// The smoke test's result as data (the `report` output) and as the job
// summary a person reads: one row per check with status, attempts, latency.
import { escapeCell as cell, escapeMarkdownCell } from '../report/markdown.js';
import { redact } from '../secrets/redact.js';
import type { CheckOutcome } from './run-checks.js';

export interface SmokeReport {
  passed: boolean;
  /** How the service was reached, e.g. "port-forward service/hotswap in namespace dev". */
  target: string;
  durationMs: number;
  checks: CheckOutcome[];
  /** Problems outside the checks: the target could not be opened, cleanup failed. */
  errors: string[];
}

function code(text: string): string {
  const clean = escapeMarkdownCell(text).replace(/`/g, "'");
  return `\`${clean}\``;
}

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`;
}

export function renderSummary(report: SmokeReport): string {
  const lines = [
    `## Smoke test ${report.passed ? 'passed' : 'failed'}`,
    '',
    `Target: ${cell(report.target)} · ${ms(report.durationMs)}`,
    '',
  ];
  if (report.checks.length) {
    lines.push(
      '| check | result | HTTP | attempts | latency | URL | detail |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const check of report.checks) {
      lines.push(
        `| ${check.name} | ${check.passed ? '✅ passed' : '❌ failed'} | ${check.status || '-'} | ${check.attempts} | ${ms(check.latencyMs)} | ${code(check.url)} | ${cell(check.message)} |`,
      );
    }
    lines.push('');
  }
  for (const error of report.errors) lines.push(`- ❌ ${cell(error)}`);
  for (const check of report.checks.filter((c) => !c.passed && c.bodyExcerpt)) {
    lines.push('', `<details><summary>${check.name}: start of the response body</summary>`, '');
    lines.push('```', check.bodyExcerpt!.replace(/```/g, "'''"), '```', '', '</details>');
  }
  return redact(lines.join('\n') + '\n');
}

/** The one-line reason a failed run gives the step. */
export function failureMessage(report: SmokeReport): string {
  const reasons = [
    ...report.errors,
    ...report.checks
      .filter((c) => !c.passed)
      .map((c) => `${c.name} (${c.url}) failed after ${c.attempts} attempt(s): ${c.message}`),
  ];
  return redact(`Smoke test failed: ${reasons.join('; ')}`);
}
