// The model the lint run reports in: findings that point at a file and line,
// and one row per values set and check for the job summary.
export const CHECKS = [
  'dependencies',
  'values',
  'helm lint',
  'helm template',
  'schema',
  'policy',
  'chart version',
] as const;
export type CheckName = (typeof CHECKS)[number];

export type Severity = 'error' | 'warning' | 'notice';

export interface Finding {
  /** Values set name (`dev`, `ci/minimal-values`); '' for chart-wide checks. */
  set: string;
  check: CheckName;
  severity: Severity;
  /** Short label, e.g. `policy/image-tag` or `schema (Kubernetes 1.36)`. */
  title: string;
  message: string;
  /** Absolute path of the file the finding points at. */
  file: string;
  line: number;
  column?: number;
}

export type RowStatus = 'pass' | 'warn' | 'fail' | 'skipped';

export interface CheckRow {
  set: string;
  /** Check label shown in the summary (`schema (Kubernetes 1.36)`). */
  check: string;
  status: RowStatus;
  errors: number;
  warnings: number;
  /** One line of context: what passed, what was skipped and why. */
  note: string;
}

export function rowFrom(
  set: string,
  check: string,
  findings: readonly Pick<Finding, 'severity'>[],
  note: string,
): CheckRow {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return {
    set,
    check,
    status: errors ? 'fail' : warnings ? 'warn' : 'pass',
    errors,
    warnings,
    note,
  };
}

export function skippedRow(set: string, check: string, note: string): CheckRow {
  return { set, check, status: 'skipped', errors: 0, warnings: 0, note };
}

/** The Kubernetes minor version a title names (`schema (Kubernetes 1.36)`), 0 when none. */
function minorOf(title: string): number {
  return Number(/\(Kubernetes \d+\.(\d+)\)/.exec(title)?.[1] ?? 0);
}

/**
 * Findings that say the same thing at the same place once: several values
 * sets often share one, and helm lint and helm template report the same
 * values.schema.json violation.
 */
export function mergeFindings(findings: readonly Finding[]): (Finding & { sets: string[] })[] {
  const byKey = new Map<string, Finding & { sets: string[] }>();
  const titles = new Map<string, { check: number; title: string }[]>();
  // In check order, so a merged title reads `helm lint, helm template (...)`.
  const ordered = [...findings].sort((a, b) => CHECKS.indexOf(a.check) - CHECKS.indexOf(b.check));
  for (const f of ordered) {
    const key = [f.severity, f.file, f.line, f.message].join('\u0000');
    const seen = byKey.get(key);
    const title = { check: CHECKS.indexOf(f.check), title: f.title };
    if (seen) {
      if (f.set && !seen.sets.includes(f.set)) seen.sets.push(f.set);
      const list = titles.get(key)!;
      if (list.some((t) => t.title === f.title)) continue;
      // Newest version first within a check, whichever helm call ended first.
      list.push(title);
      list.sort((a, b) => a.check - b.check || minorOf(b.title) - minorOf(a.title));
      seen.title = list.map((t) => t.title).join(', ');
    } else {
      byKey.set(key, { ...f, sets: f.set ? [f.set] : [] });
      titles.set(key, [title]);
    }
  }
  return [...byKey.values()];
}
