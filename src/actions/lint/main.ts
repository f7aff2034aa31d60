// actions/lint: the lint step (src/lint/step.ts) run by the action runner,
// each finding an annotation on its file and line.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeFindings } from '../../lint/findings.js';
import { lintStep, type LintOutcome } from '../../lint/step.js';
import * as out from '../kit/channels.js';
import { actionStep } from '../kit/step-runner.js';

/** actions/lint/schemas, next to the bundle's dist/ folder. */
function schemaDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
}

function annotate({ report }: LintOutcome, settings: { workspace: string }): void {
  for (const f of mergeFindings(report.findings)) {
    const sets = f.sets.length ? ` [${f.sets.join(', ')}]` : '';
    const properties: out.AnnotationProperties = {
      title: `${f.title}${sets}`,
      file: path.relative(settings.workspace, f.file),
      startLine: f.line,
      ...(f.column ? { startColumn: f.column } : {}),
    };
    if (f.severity === 'error') out.error(f.message, properties);
    else if (f.severity === 'warning') out.warning(f.message, properties);
    else out.notice(f.message, properties);
  }
}

export const main = actionStep(lintStep(schemaDir), { annotate });
