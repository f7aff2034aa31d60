// The job summary (one row per values set and check, then the findings) and
// the action outputs, built from a lint report.
import path from 'node:path';
import { escapeCell as cell } from '../report/markdown.js';
import { mergeFindings, type CheckRow, type RowStatus } from './findings.js';
import type { LintReport } from './run.js';
import { PHASE_NAMES, PHASES } from './timing.js';

const ICON: Record<RowStatus, string> = {
  pass: '✅ pass',
  warn: '⚠️ warn',
  fail: '❌ fail',
  skipped: '⏭️ skipped',
};
/** Findings listed in the summary; the rest are counted (annotations carry all of them). */
const MAX_LISTED = 100;

function counts(row: CheckRow): string {
  const parts = [];
  if (row.errors) parts.push(`${row.errors} error${row.errors > 1 ? 's' : ''}`);
  if (row.warnings) parts.push(`${row.warnings} warning${row.warnings > 1 ? 's' : ''}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function summaryMarkdown(
  report: LintReport,
  meta: { chart: string; workspace: string; helmVersion: string },
): string {
  const lines: string[] = [];
  const verdict = report.result === 'pass' ? '✅ passed' : '❌ failed';
  lines.push(`## Chart lint: ${meta.chart} ${verdict}`, '');
  lines.push(
    `helm ${meta.helmVersion}; Kubernetes ${report.kubernetes.map((k) => k.version).join(', ')}; ${report.sets.length} values set(s).`,
    '',
  );
  lines.push('| Values set | Check | Result | Details |', '|---|---|---|---|');
  for (const set of report.sets) {
    for (const row of set.rows) {
      lines.push(
        `| ${cell(set.name)} | ${cell(row.check)} | ${ICON[row.status]}${counts(row)} | ${cell(row.note)} |`,
      );
    }
  }
  for (const row of report.chartRows) {
    lines.push(
      `| ${cell(row.set)} | ${cell(row.check)} | ${ICON[row.status]}${counts(row)} | ${cell(row.note)} |`,
    );
  }
  // Before the findings, collapsed: the findings section stays what it was.
  lines.push('', ...timingSection(report));
  const merged = mergeFindings(report.findings).sort((a, b) => rank(a.severity) - rank(b.severity));
  if (merged.length) {
    lines.push('', '### Findings', '');
    for (const f of merged.slice(0, MAX_LISTED)) {
      const where = `${path.relative(meta.workspace, f.file)}:${f.line}`;
      const sets = f.sets.length ? ` [${f.sets.join(', ')}]` : '';
      lines.push(`- **${f.severity}** \`${where}\` ${f.title}${sets}: ${cell(f.message)}`);
    }
    if (merged.length > MAX_LISTED)
      lines.push(`- ... and ${merged.length - MAX_LISTED} more (see the annotations)`);
  }
  lines.push('');
  return lines.join('\n');
}

/** Per set and phase, in ms: what to look at when lint is slow. */
function timingSection(report: LintReport): string[] {
  const ms = (n: number) => String(Math.round(n));
  return [
    `<details><summary>Timing: ${ms(report.durationMs)} ms in all</summary>`,
    '',
    `| Values set | ${PHASES.map((p) => PHASE_NAMES[p]).join(' | ')} |`,
    `|---|${PHASES.map(() => '---:').join('|')}|`,
    ...report.sets.map(
      (s) => `| ${cell(s.name)} | ${PHASES.map((p) => ms(s.timing[p])).join(' | ')} |`,
    ),
    '',
    'Milliseconds each phase took for the set (helm: from process start to exit); sets run concurrently.',
    '',
    '</details>',
  ];
}

function rank(severity: string): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : 2;
}

export function lintOutputs(report: LintReport): Record<string, string> {
  const merged = mergeFindings(report.findings);
  return {
    result: report.result,
    environments: JSON.stringify(Object.fromEntries(report.sets.map((s) => [s.name, s.result]))),
    'manifests-dir': report.outputDir,
    manifests: JSON.stringify(Object.fromEntries(report.sets.map((s) => [s.name, s.manifests]))),
    errors: String(merged.filter((f) => f.severity === 'error').length),
    warnings: String(merged.filter((f) => f.severity === 'warning').length),
  };
}

/** One line for the failed step: which sets and checks failed. */
export function failureMessage(report: LintReport): string {
  const failed = [
    ...report.sets.flatMap((s) =>
      s.rows.filter((r) => r.status === 'fail').map((r) => `${s.name}: ${r.check}${counts(r)}`),
    ),
    ...report.chartRows.filter((r) => r.status === 'fail').map((r) => `${r.check}${counts(r)}`),
  ];
  return `Chart lint failed: ${failed.join('; ')}`;
}
