import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  endMarker,
  renderWorkflowTables,
  startMarker,
  updateDocument,
} from '../../scripts/workflows/docs.js';
import { loadWorkflow } from '../../scripts/workflows/model.js';

function workflowFrom(yaml: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'wf-docs-')), 'w.yml');
  writeFileSync(file, yaml);
  return loadWorkflow(file);
}

const CALLED = `
on:
  workflow_call:
    inputs:
      environment:
        description: Where | to deploy <env>.
        type: string
        required: true
      timeout:
        type: string
        default: 5m
      dry:
        type: boolean
        default: false
      note:
        type: string
        default: ''
    secrets:
      kubeconfig:
        description: The kubeconfig.
        required: true
    outputs:
      status:
        description: deployed or failed.
        value: \${{ jobs.x.outputs.status }}
jobs: {}
`;

describe('workflow docs', () => {
  it('renders inputs, secrets and outputs tables from on.workflow_call', () => {
    expect(renderWorkflowTables(workflowFrom(CALLED))).toBe(
      [
        '#### Inputs',
        '',
        '| name | type | required | default | description |',
        '| --- | --- | --- | --- | --- |',
        '| `environment` | string | yes |  | Where \\| to deploy &lt;env&gt;. |',
        '| `timeout` | string | no | `5m` |  |',
        '| `dry` | boolean | no | `false` |  |',
        "| `note` | string | no | `''` |  |",
        '',
        '#### Secrets',
        '',
        '| name | required | description |',
        '| --- | --- | --- |',
        '| `kubeconfig` | yes | The kubeconfig. |',
        '',
        '#### Outputs',
        '',
        '| name | description |',
        '| --- | --- |',
        '| `status` | deployed or failed. |',
      ].join('\n'),
    );
  });

  it('refuses a workflow that cannot be called', () => {
    expect(() => renderWorkflowTables(workflowFrom('on: push\njobs: {}\n'))).toThrow(
      /not a reusable workflow/,
    );
  });

  it('replaces only the generated section and reports drift and missing markers', () => {
    const doc = `# Title\n\nprose\n\n${startMarker('a.yml')}\nstale\n${endMarker('a.yml')}\n\nmore prose\n`;
    const first = updateDocument(doc, { 'a.yml': 'TABLE', 'b.yml': 'OTHER' });
    expect(first.changed).toEqual(['a.yml']);
    expect(first.missing).toEqual(['b.yml']);
    expect(first.text).toBe(
      `# Title\n\nprose\n\n${startMarker('a.yml')}\n\nTABLE\n\n${endMarker('a.yml')}\n\nmore prose\n`,
    );
    const second = updateDocument(first.text, { 'a.yml': 'TABLE' });
    expect(second).toEqual({ text: first.text, changed: [], missing: [] });
  });
});
