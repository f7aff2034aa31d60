// Generates the inputs and outputs tables of each actions/<name>/README.md
// from its action.yml, between marker comments, so the README never drifts
// from what the runner reads.
//
//   npm run docs:actions                 rewrite the tables of every action
//   npm run docs:actions -- setup        only actions/setup
//   npm run docs:actions:check           exit 1 if any README differs from its action.yml
//
// A README opts in with these markers (the text between them is replaced):
//   <!-- action-docs:usage --> <!-- /action-docs:usage -->
//   <!-- action-docs:inputs --> <!-- /action-docs:inputs -->
//   <!-- action-docs:outputs --> <!-- /action-docs:outputs -->
// The usage snippet (the `uses:` line with the repository's one name and the
// major tag, and the required inputs) goes under `## Usage`; a README without
// the table markers gets those sections appended. An action without a README
// is reported and skipped.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { MAJOR_TAG, REPOSITORY } from './release/repository.js';
import { escapeMarkdownCell } from '../src/report/markdown.js';

export interface ActionMeta {
  name?: string;
  description?: string;
  inputs?: Record<
    string,
    { description?: string; default?: unknown; required?: boolean; deprecationMessage?: string }
  >;
  outputs?: Record<string, { description?: string }>;
}

const SECTIONS = ['usage', 'inputs', 'outputs'] as const;
type Section = (typeof SECTIONS)[number];

/** One table cell: on one line, pipes escaped. */
function cell(text: unknown): string {
  return escapeMarkdownCell(
    String(text ?? '')
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
  );
}

function code(text: string): string {
  if (text === '') return '';
  // A backtick inside needs a longer fence.
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${cell(text)}${pad}${fence}`;
}

export function renderInputs(meta: ActionMeta): string {
  const rows = Object.entries(meta.inputs ?? {}).map(([name, spec]) => {
    const description = spec.deprecationMessage
      ? `**Deprecated:** ${spec.deprecationMessage} ${spec.description ?? ''}`
      : (spec.description ?? '');
    const fallback = spec.default === undefined ? '' : code(String(spec.default));
    return `| \`${name}\` | ${cell(description)} | ${fallback} | ${spec.required ? 'yes' : 'no'} |`;
  });
  if (rows.length === 0) return 'This action has no inputs.';
  return [
    '| input | description | default | required |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The first sentence of a description, on one line. */
function firstSentence(text: string | undefined): string {
  const line = cell(text).replace(/\\\|/g, '|');
  const end = line.search(/\.(\s|$)/);
  return end === -1 ? line : line.slice(0, end + 1);
}

/** The `uses:` line of an action and its required inputs, as a YAML step. */
export function renderUsage(action: string, meta: ActionMeta): string {
  const inputs = Object.entries(meta.inputs ?? {});
  const required = inputs.filter(([, spec]) => spec.required && spec.default === undefined);
  const lines = ['```yaml', `- uses: ${REPOSITORY}/actions/${action}@${MAJOR_TAG}`];
  if (required.length > 0) {
    lines.push('  with:');
    for (const [name, spec] of required)
      lines.push(`    # ${firstSentence(spec.description)}`, `    ${name}: ''`);
  }
  const optional = inputs.length - required.length;
  if (optional > 0)
    lines.push(`  # ${optional} optional input${optional === 1 ? '' : 's'}: see Inputs below.`);
  lines.push('```');
  return lines.join('\n');
}

export function renderOutputs(meta: ActionMeta): string {
  const rows = Object.entries(meta.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`,
  );
  if (rows.length === 0) return 'This action has no outputs.';
  return ['| output | description |', '| --- | --- |', ...rows].join('\n');
}

const open = (s: Section) => `<!-- action-docs:${s} -->`;
const close = (s: Section) => `<!-- /action-docs:${s} -->`;

function render(section: Section, action: string, meta: ActionMeta): string {
  if (section === 'usage') return renderUsage(action, meta);
  return section === 'inputs' ? renderInputs(meta) : renderOutputs(meta);
}

/** The README with its generated sections brought up to date (added when absent). */
export function updateReadme(readme: string, meta: ActionMeta, action = 'demo'): string {
  let text = readme;
  for (const section of SECTIONS) {
    const block = `${open(section)}\n${render(section, action, meta)}\n${close(section)}`;
    const start = text.indexOf(open(section));
    const end = text.indexOf(close(section));
    if (start === -1 && end === -1 && section === 'usage') {
      const usage = /^## Usage[^\n]*\n/m.exec(text);
      text = usage
        ? `${text.slice(0, usage.index + usage[0].length)}\n${block}\n${text.slice(usage.index + usage[0].length)}`
        : `${text.replace(/\n*$/, '')}\n\n## Usage\n\n${block}\n`;
    } else if (start === -1 && end === -1) {
      const title = section === 'inputs' ? '## Inputs' : '## Outputs';
      text = `${text.replace(/\n*$/, '')}\n\n${title}\n\n${block}\n`;
    } else if (start === -1 || end < start) {
      throw new Error(
        `the ${section} markers are unbalanced: expected ${open(section)} ... ${close(section)}`,
      );
    } else {
      text = text.slice(0, start) + block + text.slice(end + close(section).length);
    }
  }
  return text;
}

export interface DocsResult {
  action: string;
  status: 'up to date' | 'updated' | 'drift' | 'no README';
}

export function syncActionDocs(
  root: string,
  options: { check: boolean; only?: string[] },
): DocsResult[] {
  const actionsDir = path.join(root, 'actions');
  const names = readdirSync(actionsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(actionsDir, e.name, 'action.yml')))
    .map((e) => e.name)
    .filter((name) => !options.only?.length || options.only.includes(name))
    .sort();
  for (const name of options.only ?? []) {
    if (!names.includes(name)) throw new Error(`no action named '${name}' under ${actionsDir}`);
  }
  return names.map((action): DocsResult => {
    const dir = path.join(actionsDir, action);
    const meta = YAML.parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as ActionMeta;
    const readmePath = path.join(dir, 'README.md');
    if (!existsSync(readmePath)) return { action, status: 'no README' };
    const current = readFileSync(readmePath, 'utf8');
    const wanted = updateReadme(current, meta, action);
    if (wanted === current) return { action, status: 'up to date' };
    if (options.check) return { action, status: 'drift' };
    writeFileSync(readmePath, wanted);
    return { action, status: 'updated' };
  });
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const only = argv.filter((a) => !a.startsWith('--'));
  const root = path.resolve(import.meta.dirname, '..');
  const results = syncActionDocs(root, { check, only });
  for (const r of results) console.log(`actions/${r.action}/README.md: ${r.status}`);
  const drift = results.filter((r) => r.status === 'drift');
  if (drift.length) {
    console.error(
      `The usage snippet or inputs/outputs tables differ from action.yml in: ${drift.map((r) => `actions/${r.action}/README.md`).join(', ')}. Run 'npm run docs:actions' and commit the result.`,
    );
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
