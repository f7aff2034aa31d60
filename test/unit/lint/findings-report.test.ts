// Findings per values set as the CLI prints them: merged within a set, errors
// first, paths relative to the workspace, every line of a message kept.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/lint/findings.js';
import { findingsText, groupFindings } from '../../../src/lint/findings-report.js';
import type { LintReport } from '../../../src/lint/run.js';
import { emptyTiming } from '../../../src/lint/timing.js';

const WS = '/ws';
const finding = (f: Partial<Finding>): Finding => ({
  set: 'production',
  check: 'policy',
  severity: 'error',
  title: 'policy/image-tag',
  message: 'Deployment/web image "web:latest" uses the latest tag',
  file: '/ws/chart/values.yaml',
  line: 7,
  ...f,
});

const report = (findings: Finding[], chartRows: LintReport['chartRows'] = []): LintReport => ({
  result: 'fail',
  sets: [
    {
      name: 'dev',
      kind: 'environment',
      result: 'pass',
      rows: [],
      manifests: {},
      timing: emptyTiming(),
    },
    {
      name: 'production',
      kind: 'environment',
      result: 'fail',
      rows: [],
      manifests: {},
      timing: emptyTiming(),
    },
  ],
  chartRows,
  findings,
  kubernetes: [],
  outputDir: '/tmp/x',
  durationMs: 0,
});

describe('groupFindings', () => {
  it('groups per set in report order, errors first, one values-schema finding from two checks merged', () => {
    const schema = {
      severity: 'error' as const,
      file: '/ws/env/production.yaml',
      line: 3,
      column: 5,
      message: 'image.pullPolicy: value must be one of ...',
    };
    const groups = groupFindings(
      report([
        finding({ severity: 'warning', title: 'policy/probes', message: 'no probes', line: 9 }),
        finding({ ...schema, check: 'helm template', title: 'helm template (Kubernetes 1.36)' }),
        finding({ ...schema, check: 'helm lint', title: 'helm lint' }),
        finding({ set: 'dev', severity: 'warning' }),
      ]),
      WS,
    );
    expect(groups.map((g) => [g.name, g.result, g.errors, g.warnings])).toEqual([
      ['dev', 'pass', 0, 1],
      ['production', 'fail', 1, 1],
    ]);
    expect(groups[1]!.findings).toEqual([
      {
        level: 'error',
        rule: 'helm lint, helm template (Kubernetes 1.36)',
        file: 'env/production.yaml',
        line: 3,
        column: 5,
        message: schema.message,
      },
      {
        level: 'warning',
        rule: 'policy/probes',
        file: 'chart/values.yaml',
        line: 9,
        message: 'no probes',
      },
    ]);
  });

  it('adds the chart-wide group only when a chart-wide check ran', () => {
    expect(groupFindings(report([]), WS).map((g) => g.name)).toEqual(['dev', 'production']);
    const bump = finding({ set: '', check: 'chart version', title: 'chart version' });
    const groups = groupFindings(
      report(
        [bump],
        [
          {
            set: '(chart)',
            check: 'chart version',
            status: 'fail',
            errors: 1,
            warnings: 0,
            note: '',
          },
        ],
      ),
      WS,
    );
    expect(groups.at(-1)).toMatchObject({ name: '(chart)', result: 'fail', errors: 1 });
  });
});

describe('findingsText', () => {
  it('prints a heading per set and one aligned line per finding with file:line[:column]', () => {
    const text = findingsText(
      groupFindings(
        report([
          finding({ message: 'first line\n- at /image: second line' }),
          finding({ severity: 'notice', title: 'schema', line: 2, column: 3, message: 'skipped' }),
          finding({ set: 'dev', severity: 'warning', title: 'policy/replicas', message: 'one' }),
        ]),
        WS,
      ),
    );
    expect(text).toBe(
      [
        'dev: pass (0 errors, 1 warning)',
        '  warning  policy/replicas  chart/values.yaml:7  one',
        'production: fail (1 error, 0 warnings, 1 notice)',
        '  error    policy/image-tag  chart/values.yaml:7  first line',
        '      - at /image: second line',
        '  notice   schema  chart/values.yaml:2:3  skipped',
        '',
      ].join('\n'),
    );
  });
});
