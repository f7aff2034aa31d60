// `npm run docs:workflows`: regenerates the inputs, secrets and outputs tables
// of every reusable workflow in docs/workflows.md from the workflow YAML.
// `--check` changes nothing and exits 1 when the document has drifted.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderWorkflowTables, updateDocument } from './workflows/docs.js';
import { loadWorkflow } from './workflows/model.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const WORKFLOWS = path.join(ROOT, '.github/workflows');
const DOC = path.join(ROOT, 'docs/workflows.md');

const check = process.argv.includes('--check');

const sections: Record<string, string> = {};
for (const file of readdirSync(WORKFLOWS).sort()) {
  if (!/\.ya?ml$/.test(file)) continue;
  const workflow = loadWorkflow(path.join(WORKFLOWS, file));
  if (workflow.call) sections[file] = renderWorkflowTables(workflow);
}

const result = updateDocument(readFileSync(DOC, 'utf8'), sections);
if (result.missing.length > 0) {
  console.error(
    `docs/workflows.md has no generated section for ${result.missing.join(', ')}: add the markers (see scripts/workflow-docs.ts)`,
  );
  process.exit(1);
}
if (check) {
  if (result.changed.length > 0) {
    console.error(
      `docs/workflows.md is out of date for ${result.changed.join(', ')}: run npm run docs:workflows`,
    );
    process.exit(1);
  }
  console.log(`docs/workflows.md is up to date (${Object.keys(sections).length} workflows)`);
} else {
  writeFileSync(DOC, result.text);
  console.log(
    result.changed.length > 0
      ? `docs/workflows.md: regenerated ${result.changed.join(', ')}`
      : 'docs/workflows.md: already up to date',
  );
}
