// Findings grouped per values set for a terminal or a tool: the level, rule,
// file:line and message each annotation carries, with paths relative to the
// workspace as the annotations give them.
import path from 'node:path';
import { mergeFindings, type Finding, type Severity } from './findings.js';
import type { LintReport } from './run.js';

export interface ReportedFinding {
  level: Severity;
  /** The annotation title without its sets: `policy/image-tag`, `helm lint, helm template (...)`. */
  rule: string;
  /** Relative to the workspace. */
  file: string;
  line: number;
  column?: number;
  message: string;
}

export interface FindingsGroup {
  /** Values set name, or `(chart)` for chart-wide checks (dependencies, the chart version bump). */
  name: string;
  result: 'pass' | 'fail';
  errors: number;
  warnings: number;
  findings: ReportedFinding[];
}

/** The group name of chart-wide findings, as the summary's row names them. */
export const CHART_GROUP = '(chart)';

const RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

function reported(findings: readonly Finding[], workspace: string): ReportedFinding[] {
  // Within one set, helm lint and helm template can report one values.schema.json
  // violation twice: merged as the annotations merge them. Errors first.
  return mergeFindings(findings)
    .sort((a, b) => RANK[a.severity] - RANK[b.severity])
    .map((f) => ({
      level: f.severity,
      rule: f.title,
      file: path.relative(workspace, f.file),
      line: f.line,
      ...(f.column ? { column: f.column } : {}),
      message: f.message,
    }));
}

function group(name: string, result: 'pass' | 'fail', findings: ReportedFinding[]): FindingsGroup {
  return {
    name,
    result,
    errors: findings.filter((f) => f.level === 'error').length,
    warnings: findings.filter((f) => f.level === 'warning').length,
    findings,
  };
}

/** One group per values set in the report's order, then the chart-wide group when it has rows. */
export function groupFindings(report: LintReport, workspace: string): FindingsGroup[] {
  const groups = report.sets.map((set) =>
    group(
      set.name,
      set.result,
      reported(
        report.findings.filter((f) => f.set === set.name),
        workspace,
      ),
    ),
  );
  if (report.chartRows.length) {
    const failed = report.chartRows.some((r) => r.status === 'fail');
    groups.push(
      group(
        CHART_GROUP,
        failed ? 'fail' : 'pass',
        reported(
          report.findings.filter((f) => f.set === ''),
          workspace,
        ),
      ),
    );
  }
  return groups;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function where(f: ReportedFinding): string {
  return `${f.file}:${f.line}${f.column ? `:${f.column}` : ''}`;
}

/**
 * For a terminal: a heading per values set with its result and counts, then
 * one line per finding (`level  rule  file:line[:column]  message`); a
 * message of several lines (helm's schema errors) continues indented.
 */
export function findingsText(groups: readonly FindingsGroup[]): string {
  const width = Math.max(0, ...groups.flatMap((g) => g.findings.map((f) => f.level.length)));
  const lines: string[] = [];
  for (const g of groups) {
    const counts = [plural(g.errors, 'error'), plural(g.warnings, 'warning')];
    const notices = g.findings.length - g.errors - g.warnings;
    if (notices) counts.push(plural(notices, 'notice'));
    lines.push(`${g.name}: ${g.result} (${counts.join(', ')})`);
    for (const f of g.findings) {
      const [first, ...rest] = f.message.split('\n');
      lines.push(`  ${f.level.padEnd(width)}  ${f.rule}  ${where(f)}  ${first}`);
      for (const more of rest) if (more.trim()) lines.push(`      ${more.trim()}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
