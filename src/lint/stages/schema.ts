// Stage 4, schema: every rendered object against the Kubernetes schema of the
// target version (and the CRDs'), each error at the values key or template
// line that set the field.
import type { Locator, Position } from '../locate.js';
import { get } from '../object-path.js';
import type { RenderedObject } from '../policies.js';
import { templateDocument } from '../rules/objects.js';
import type { CrdOrigin, KubernetesValidator, SchemaIssue } from '../schema.js';
import type { StageFinding, Target } from './context.js';

export interface SchemaStageOutcome {
  findings: StageFinding[];
  valid: number;
  total: number;
  /** `apiVersion kind` of each object that has no schema. */
  skipped: string[];
  /** Where the CRD came from, for each object checked against a CRD compiled at run time. */
  crdChecked: CrdOrigin[];
}

export function schemaTitle(target: Target): string {
  return `schema (Kubernetes ${target.minor})`;
}

function pointerPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * The template line writing a missing required field (it rendered empty),
 * else the hard-coded template literal, else the values key of that name
 * and value, else the template field (or the values key its line renders,
 * when that key holds the value as rendered).
 */
function issuePosition(
  parent: Locator,
  object: RenderedObject,
  field: (string | number)[],
  missing?: string,
): Position {
  const { locator, source } = parent.forSource(object.source);
  const value = get(object.doc, field);
  const document = templateDocument(object);
  const empty =
    missing === undefined ? undefined : locator.templateKey(source, field, missing, document);
  if (empty) return empty;
  const leaf = [...field].reverse().find((s): s is string => typeof s === 'string');
  const scalar =
    value === undefined || (value !== null && typeof value === 'object') ? undefined : value;
  // A map is set by a key holding a map: one of that name holding a list is another setting.
  const map = value !== null && typeof value === 'object' && !Array.isArray(value);
  const placed =
    locator.templateLiteral(source, field, scalar, document) ??
    (leaf && leaf !== 'apiVersion' && leaf !== 'kind'
      ? locator.valuesHint(
          {
            keys: [leaf],
            ...(scalar !== undefined ? { value: scalar } : {}),
            ...(map ? { map } : {}),
          },
          [],
          { requireValue: true },
        )
      : undefined);
  if (placed) return placed;
  const written = locator.templateField(source, field, document);
  return (scalar !== undefined ? locator.valuesKeyOfLine(written, scalar) : undefined) ?? written;
}

function issueFinding(
  locator: Locator,
  title: string,
  object: RenderedObject,
  name: string,
  issue: SchemaIssue,
): StageFinding {
  const field = pointerPath(issue.path);
  const at = issuePosition(locator, object, field, issue.missing);
  const where = field.length ? field.join('.') : '(object)';
  return {
    check: 'schema',
    severity: 'error',
    title,
    message: `${name} ${where}: ${issue.message}`,
    file: at.file,
    line: at.line,
    ...(at.column ? { column: at.column } : {}),
  };
}

export function schemaStage(
  validator: KubernetesValidator,
  objects: readonly RenderedObject[],
  locator: Locator,
  target: Target,
): SchemaStageOutcome {
  const title = schemaTitle(target);
  const outcome: SchemaStageOutcome = {
    findings: [],
    valid: 0,
    total: objects.length,
    skipped: [],
    crdChecked: [],
  };
  for (const object of objects) {
    const result = validator.validate(object.doc);
    const origin = result.status === 'skipped' ? undefined : validator.originOf(object.doc);
    if (origin) outcome.crdChecked.push(origin);
    const name = `${String(object.doc.kind ?? '?')}/${String(get(object.doc, ['metadata', 'name']) ?? '?')}`;
    if (result.status === 'valid') {
      outcome.valid++;
    } else if (result.status === 'skipped') {
      outcome.skipped.push(`${object.doc.apiVersion} ${object.doc.kind}`);
      const at = locator.templateField(object.source, ['kind'], templateDocument(object));
      outcome.findings.push({
        check: 'schema',
        severity: 'notice',
        title,
        message: `${name} skipped: ${result.reason} (pass its CRD in the crds input to validate it)`,
        file: at.file,
        line: at.line,
      });
    } else {
      for (const issue of result.issues)
        outcome.findings.push(issueFinding(locator, title, object, name, issue));
    }
  }
  return outcome;
}
