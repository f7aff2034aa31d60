// What actions/lint reports about a chart, as text to compare byte for byte:
// the job summary's findings section and the annotations, in the order the
// bundle prints them. `npx tsx test/support/lint-findings.ts` writes the
// golden files of the real chart from the bundle in actions/lint/dist (build
// it from the code whose findings are the reference first).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, runAction } from './run-action.js';
import { TOOLS_BIN } from './tools.js';

export const GOLDEN_DIR = path.join(REPO_ROOT, 'test/fixtures/lint/golden');

/** The real chart with the action's defaults, and with two target versions. */
export const REAL_CHART_CASES: Record<string, Record<string, string>> = {
  'real-chart-default': {},
  'real-chart-two-versions': { 'kubernetes-versions': '1.36, v1.34.4' },
};

export async function lintFindings(inputs: Record<string, string>): Promise<string> {
  const run = await runAction('lint', {
    inputs,
    env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
  });
  if (run.code !== 0) throw new Error(`lint failed (${run.code}):\n${run.stdout}${run.stderr}`);
  const findings = run.summary.split('\n### Findings\n')[1] ?? '';
  const annotations = run.stdout
    .split('\n')
    .filter((l) => /^::(error|warning|notice) /.test(l))
    .join('\n');
  return `## Findings section of the job summary\n${findings}\n## Annotations\n\n${annotations}\n`;
}

if (process.argv[1] === import.meta.filename) {
  for (const [name, inputs] of Object.entries(REAL_CHART_CASES)) {
    writeFileSync(path.join(GOLDEN_DIR, `${name}.md`), await lintFindings(inputs));
    console.log(`wrote ${name}.md`);
  }
}
