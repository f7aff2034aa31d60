// The findings of the real chart stay byte for byte what they were when the
// golden files were written (test/support/lint-findings.ts writes them from a
// bundle): the summary's findings section and the annotations. A change of
// the chart that changes its findings is a reason to rewrite them; a change
// of the lint code alone is not.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GOLDEN_DIR, REAL_CHART_CASES, lintFindings } from '../support/lint-findings.js';
import { REPO_ROOT } from '../support/run-action.js';
import { toolPath } from '../support/tools.js';

describe('actions/lint findings of the real chart', () => {
  beforeAll(() => {
    toolPath('helm');
    execFileSync('node', ['scripts/build.mjs', 'lint'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }, 300_000);

  for (const [name, inputs] of Object.entries(REAL_CHART_CASES)) {
    it(`${name}: the findings section and annotations are unchanged`, async () => {
      const golden = readFileSync(path.join(GOLDEN_DIR, `${name}.md`), 'utf8');
      expect(golden).toMatch(/\*\*warning\*\*/); // the golden file holds findings
      expect(await lintFindings(inputs)).toBe(golden);
    }, 120_000);
  }
});
