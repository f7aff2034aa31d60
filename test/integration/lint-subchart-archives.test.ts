// actions/lint (the built bundle, real helm 4 and 3) on a chart whose custom
// resources are defined by the CRDs of a subchart packaged as an archive
// (charts/*.tgz, as `helm dependency build` leaves it), with a chart vendored
// inside that archive as a directory or as an archive of its own: the custom
// resources are checked against those CRDs instead of being skipped.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { tempDir } from '../support/temp-dir.js';
import { TOOLS_BIN, toolPath } from '../support/tools.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/lint/subchart-archive');
const env = { PATH: `${TOOLS_BIN}:${process.env.PATH}` };

/**
 * A workspace with the umbrella chart and its `gadgets` subchart packaged into
 * its charts/; `nested`: gadgets' own `widgets` packaged too, an archive
 * inside the archive.
 */
function workspace(nested: boolean): string {
  const dir = tempDir('lint-subchart-archive-');
  for (const name of ['umbrella', 'environments'])
    cpSync(path.join(FIXTURE, name), path.join(dir, name), { recursive: true });
  const gadgets = path.join(dir, 'gadgets');
  cpSync(path.join(FIXTURE, 'gadgets'), gadgets, { recursive: true });
  if (nested) {
    const widgets = path.join(gadgets, 'charts', 'widgets');
    execFileSync(toolPath('helm'), ['package', widgets, '--destination', path.dirname(widgets)]);
    rmSync(widgets, { recursive: true });
  }
  execFileSync(toolPath('helm'), [
    'package',
    gadgets,
    '--destination',
    path.join(dir, 'umbrella', 'charts'),
  ]);
  rmSync(gadgets, { recursive: true });
  return dir;
}

const schemaRow = (summary: string, set: string) =>
  summary.split('\n').find((l) => l.startsWith(`| ${set} | schema (Kubernetes 1.36) |`));

describe.each([
  ['a directory', false],
  ['an archive too', true],
])('actions/lint on a chart with a packaged subchart, its own subchart %s', (_, nested) => {
  let dir: string;
  beforeAll(() => {
    dir = workspace(nested);
  });

  it.each(['helm', 'helm3'])(
    'checks custom resources against the CRDs inside the archive (%s)',
    async (helm) => {
      const run = await runAction('lint', {
        inputs: {
          chart: 'umbrella',
          environments: 'defaults',
          'values-files': '',
          'ci-values': 'false',
          helm: toolPath(helm),
        },
        workspace: dir,
        env,
      });
      expect(run.code, run.stdout).toBe(0);
      expect(schemaRow(run.summary, 'defaults')).toMatch(
        /✅ pass \| 2\/2 objects valid; 2 custom resources checked against the chart's crds\/; /,
      );
      expect(run.stdout).not.toContain('skipped: no schema');
    },
  );

  it('reports what breaks those CRDs at the values key', async () => {
    const run = await runAction('lint', {
      inputs: {
        chart: 'umbrella',
        environments: 'broken',
        'values-files': 'environments/{env}.yaml',
        'ci-values': 'false',
      },
      workspace: dir,
      env,
    });
    expect(run.code).toBe(1);
    const values = 'environments/broken.yaml';
    const lineOf = (key: string) =>
      readFileSync(path.join(dir, values), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(`${key}:`)) + 1;
    const title = 'schema (Kubernetes 1.36) [broken]';
    expect(run.stdout).toContain(
      `::error title=${title},file=${values},line=${lineOf('prot')},col=3::Gadget/umbrella spec.prot: unknown field "prot"`,
    );
    expect(run.stdout).toContain(
      `::error title=${title},file=${values},line=${lineOf('size')},col=3::Widget/umbrella spec.size: must be >= 1`,
    );
    expect(schemaRow(run.summary, 'broken')).toMatch(
      /❌ fail \(2 errors\) \| 0\/2 objects valid; 2 custom resources checked against the chart's crds\//,
    );
  });
});
