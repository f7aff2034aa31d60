// hotswap-ci lint: the lint step from a terminal. Every finding is printed
// (stderr, grouped per values set), or with --format json the whole result is
// one JSON document on stdout for tools.
import path from 'node:path';
import { parseChoice } from '../../inputs/parse.js';
import { findingsText, groupFindings } from '../../lint/findings-report.js';
import { lintOutputs } from '../../lint/summary.js';
import { lintStep } from '../../lint/step.js';
import { repoRoot } from '../action-inputs.js';
import { stepCommand } from '../step-command.js';

const FORMATS = ['text', 'json'] as const;

// The Kubernetes schemas the lint action ships next to its bundle.
const step = lintStep(() => path.join(repoRoot(), 'actions', 'lint', 'schemas'));

export const lintCommand = stepCommand(step, {
  flags: [
    {
      name: 'format',
      description:
        'How the result is printed: `text` lists every finding (level, rule, file:line, message) per ' +
        'values set on stderr and the outputs as name=value lines on stdout; `json` prints one JSON ' +
        'document on stdout instead: {result, outputs, sets: [{name, result, errors, warnings, ' +
        'findings: [{level, rule, file, line, column, message}]}]}.',
      default: 'text',
      required: false,
    },
    {
      name: 'manifests-dir',
      description:
        'Keep the rendered manifests: a `hotswap-lint-*` folder is made inside this directory ' +
        '(created if missing) and named by the `manifests-dir` and `manifests` outputs. Without ' +
        'it they are removed when the command ends and those outputs are not printed.',
      required: false,
    },
  ],
  keepDir: (read) => read('manifests-dir') || undefined,
  present(read) {
    const format = parseChoice('format', read('format'), FORMATS, 'text');
    return ({ report }, settings) => {
      const groups = groupFindings(report, settings.workspace);
      if (format === 'text') return { report: findingsText(groups) };
      return { document: { result: report.result, outputs: lintOutputs(report), sets: groups } };
    };
  },
});
