import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, test } from 'vitest';
import {
  renderInputs,
  renderUsage,
  syncActionDocs,
  updateReadme,
} from '../../../scripts/action-docs.js';
import { MAJOR_TAG, REPOSITORY } from '../../../scripts/release/repository.js';
import { REPO_ROOT } from '../../support/run-action.js';

const ACTION_YML = `name: demo
description: A demo action.
inputs:
  level:
    description: |
      How loud: low | high.
      Second line.
    default: low
  token:
    description: A token.
    required: true
outputs:
  result:
    description: What happened.
runs:
  using: node24
  main: dist/index.js
`;

function repoWith(readme: string | undefined): string {
  const root = mkdtempSync(path.join(tmpdir(), 'action-docs-'));
  mkdirSync(path.join(root, 'actions', 'demo'), { recursive: true });
  writeFileSync(path.join(root, 'actions', 'demo', 'action.yml'), ACTION_YML);
  if (readme !== undefined) writeFileSync(path.join(root, 'actions', 'demo', 'README.md'), readme);
  return root;
}

const MARKED = `# Demo\n\nUsage first.\n\n## Inputs\n\n<!-- action-docs:inputs -->\nstale\n<!-- /action-docs:inputs -->\n\n## Outputs\n\n<!-- action-docs:outputs -->\n<!-- /action-docs:outputs -->\n\nFooter stays.\n`;

describe('action-docs', () => {
  test('rewrites only the marked sections, one row per input, pipes escaped, lines joined', () => {
    const root = repoWith(MARKED);
    expect(syncActionDocs(root, { check: false })).toEqual([{ action: 'demo', status: 'updated' }]);
    const readme = readFileSync(path.join(root, 'actions/demo/README.md'), 'utf8');
    expect(readme).toContain('Usage first.');
    expect(readme).toContain('Footer stays.');
    expect(readme).not.toContain('stale');
    expect(readme).toContain('| `level` | How loud: low \\| high. Second line. | `low` | no |');
    expect(readme).toContain('| `token` | A token. |  | yes |');
    expect(readme).toContain('| `result` | What happened. |');
    expect(syncActionDocs(root, { check: true })).toEqual([
      { action: 'demo', status: 'up to date' },
    ]);
  });

  test('--check reports drift and leaves the file alone', () => {
    const root = repoWith(MARKED);
    expect(syncActionDocs(root, { check: true })).toEqual([{ action: 'demo', status: 'drift' }]);
    expect(readFileSync(path.join(root, 'actions/demo/README.md'), 'utf8')).toBe(MARKED);
  });

  test('a README without markers gets every section appended; no README is reported', () => {
    const appended = updateReadme('# Demo\n\nUsage.\n', { inputs: { a: { description: 'x' } } });
    expect(appended).toMatch(
      /^# Demo\n\nUsage\.\n\n## Usage\n\n<!-- action-docs:usage -->\n```yaml\n[^]*\n## Inputs\n\n<!-- action-docs:inputs -->\n/,
    );
    expect(appended).toContain(
      '## Outputs\n\n<!-- action-docs:outputs -->\nThis action has no outputs.\n',
    );
    expect(syncActionDocs(repoWith(undefined), { check: true })).toEqual([
      { action: 'demo', status: 'no README' },
    ]);
  });

  test('the usage snippet names the repository and major tag, and the required inputs', () => {
    const meta = YAML.parse(ACTION_YML) as Parameters<typeof renderUsage>[1];
    expect(renderUsage('demo', meta)).toBe(
      [
        '```yaml',
        `- uses: ${REPOSITORY}/actions/demo@${MAJOR_TAG}`,
        '  with:',
        '    # A token.',
        "    token: ''",
        '  # 1 optional input: see Inputs below.',
        '```',
      ].join('\n'),
    );
    // Placed right under `## Usage`, above the hand-written examples.
    const readme = updateReadme('# Demo\n\n## Usage\n\nHand-written.\n', meta, 'demo');
    expect(readme.indexOf('<!-- action-docs:usage -->')).toBeLessThan(
      readme.indexOf('Hand-written.'),
    );
  });

  test('--check reports a usage snippet that names another repository', () => {
    const root = repoWith(MARKED);
    syncActionDocs(root, { check: false });
    const file = path.join(root, 'actions/demo/README.md');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        `${REPOSITORY}/actions/demo`,
        'hotswap/hotswap/actions/demo',
      ),
    );
    expect(syncActionDocs(root, { check: true })).toEqual([{ action: 'demo', status: 'drift' }]);
  });

  test('unbalanced markers are an error', () => {
    expect(() =>
      updateReadme('<!-- /action-docs:inputs --> <!-- action-docs:inputs -->', {}),
    ).toThrow('the inputs markers are unbalanced');
  });

  test('a default with a backtick is fenced so it renders', () => {
    expect(renderInputs({ inputs: { q: { default: 'a`b' } } })).toContain('| ``a`b`` |');
  });

  test("this repository's action READMEs match their action.yml", () => {
    const drift = syncActionDocs(REPO_ROOT, { check: true }).filter((r) => r.status === 'drift');
    expect(drift).toEqual([]);
  });
});
