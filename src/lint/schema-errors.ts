// Turns ajv errors into one readable issue per field, for validators
// compiled at run time and ahead of time alike.
import type { ErrorObject } from 'ajv';
import { QUANTITY_PATTERN } from './schema-data.js';
import { CLOSED_KEYWORD } from './precompiled-format.js';

export interface SchemaIssue {
  /** JSON pointer into the object, e.g. /spec/template/spec/containers/0/image. */
  path: string;
  message: string;
  /** The field a `required` issue found missing (its path is the object that lacks it). */
  missing?: string;
}

/** Readable messages from ajv errors: one per field, anyOf branches folded into one line. */
export function describeErrors(errors: readonly ErrorObject[]): SchemaIssue[] {
  // Errors of the branches of a failed anyOf/oneOf say the same as the anyOf itself.
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const isBranch = (e: ErrorObject) =>
    unions.some(
      (u) =>
        u !== e && e.instancePath === u.instancePath && e.schemaPath.startsWith(u.schemaPath + '/'),
    );
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (isBranch(error)) continue;
    const issue = describe(error, errors);
    const id = `${issue.path} ${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function describe(error: ErrorObject, all: readonly ErrorObject[]): SchemaIssue {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
    case CLOSED_KEYWORD: {
      const field = String(params.additionalProperty);
      return { path: `${at}/${field}`, message: `unknown field "${field}"` };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { path: at, message: `missing required field "${field}"`, missing: field };
    }
    case 'type':
      return { path: at, message: `must be ${article(String(params.type))}` };
    case 'anyOf':
    case 'oneOf': {
      const branches = all.filter(
        (e) => e.instancePath === at && e.schemaPath.startsWith(error.schemaPath + '/'),
      );
      if (branches.some((b) => b.keyword === 'pattern' && b.params.pattern === QUANTITY_PATTERN)) {
        return { path: at, message: 'must be a quantity such as 500m, 1.5, 256Mi or 2Gi' };
      }
      const types = branches.filter((b) => b.keyword === 'type').map((b) => String(b.params.type));
      if (types.length === branches.length && types.length > 0) {
        return { path: at, message: `must be ${types.map(article).join(' or ')}` };
      }
      return { path: at, message: error.message ?? 'does not match the schema' };
    }
    case 'format':
      return {
        path: at,
        message: `must be ${params.format === 'int32' ? 'a 32-bit integer' : 'a 64-bit integer'}`,
      };
    default:
      return { path: at, message: error.message ?? `fails ${error.keyword}` };
  }
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
