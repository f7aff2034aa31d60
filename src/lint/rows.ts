// The summary rows of a values set, built from its stage outcomes in one
// place, in the order the summary shows them: values, helm lint, helm
// template, schema per target (newest first), policy.
import path from 'node:path';
import { rowFrom, skippedRow, type CheckRow } from './findings.js';
import type { HelmOutcome, SetOutcome } from './lint-set.js';
import { RULE_NAMES } from './policies.js';
import type { LintSettings } from './settings.js';
import { describeLevels } from './stages/policy.js';
import { CRD_ORIGINS } from './schema.js';
import { schemaTitle, type SchemaStageOutcome } from './stages/schema.js';

/** `3 custom resources checked against the chart's crds/ (2), the crds input (1)`. */
function crdNote(schema: SchemaStageOutcome): string | undefined {
  const checked = schema.crdChecked;
  if (!checked.length) return undefined;
  const counts = CRD_ORIGINS.map((o) => [o, checked.filter((c) => c === o).length] as const).filter(
    ([, n]) => n,
  );
  const from =
    counts.length === 1 ? counts[0]![0] : counts.map(([o, n]) => `${o} (${n})`).join(', ');
  return `${checked.length} custom resource${checked.length === 1 ? '' : 's'} checked against ${from}`;
}

function helmRows(name: string, helm: HelmOutcome, settings: LintSettings): CheckRow[] {
  const strict = settings.strict;
  const lint = rowFrom(
    name,
    'helm lint',
    helm.lint,
    `helm lint${strict ? ' --strict' : ''} (Kubernetes ${helm.lintTarget.version})`,
  );
  if (settings.library) {
    const skipped = ['helm template', 'schema', 'policy'].map((check) =>
      skippedRow(name, check, 'skipped: a library chart renders nothing of its own'),
    );
    return [lint, ...skipped];
  }
  const rows = [
    lint,
    rowFrom(
      name,
      'helm template',
      helm.targets.flatMap((t) => t.render.findings),
      helm.targets
        .map(({ render: r }) =>
          r.ok
            ? `${r.objects.length} objects for ${r.target.version}`
            : `failed for ${r.target.version}`,
        )
        .join('; '),
    ),
  ];
  for (const { render, schema } of helm.targets) {
    const title = schemaTitle(render.target);
    if (!schema) {
      rows.push(skippedRow(name, title, 'skipped: helm template failed'));
      continue;
    }
    const notes = [`${schema.valid}/${schema.total} objects valid`];
    if (schema.skipped.length)
      notes.push(
        `${schema.skipped.length} skipped: no schema (${[...new Set(schema.skipped)].join(', ')})`,
      );
    const crds = crdNote(schema);
    if (crds) notes.push(crds);
    const source = `${render.target.data.source}${strict ? ', unknown fields rejected' : ''}`;
    rows.push(rowFrom(name, title, schema.findings, `${notes.join('; ')}; ${source}`));
  }
  rows.push(
    helm.targets.some((t) => t.render.ok)
      ? rowFrom(
          name,
          'policy',
          helm.policy,
          `${RULE_NAMES.length} rules: ${describeLevels(helm.levels)}`,
        )
      : skippedRow(name, 'policy', 'skipped: nothing rendered'),
  );
  return rows;
}

export function setRows(outcome: SetOutcome, settings: LintSettings): CheckRow[] {
  const name = outcome.set.name;
  const files = outcome.valuesFiles.map((f) => path.relative(settings.workspace, f));
  const values = rowFrom(
    name,
    'values',
    outcome.values,
    [`${files.length} file(s): ${files.join(', ')}`, outcome.keysNote].filter(Boolean).join('; '),
  );
  if (!outcome.helm) {
    const skipped = ['helm lint', 'helm template', 'schema', 'policy'].map((check) =>
      skippedRow(name, check, outcome.helmSkipped ?? 'skipped'),
    );
    return [values, ...skipped];
  }
  return [values, ...helmRows(name, outcome.helm, settings)];
}
