// Validates rendered Kubernetes objects against the OpenAPI schema of a
// target Kubernetes version, offline, with ajv.
//
// Built-in kinds use the generated data in actions/lint/schemas; custom
// resources use a CRD schema when one is known (shipped or passed in) and are
// otherwise reported as skipped, never passed. A built-in group with an
// apiVersion/kind that the target version does not serve is an error (e.g.
// policy/v1beta1 PodDisruptionBudget on 1.25+).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { QUANTITY_PATTERN, kindKey, type JsonSchema, type SchemaData } from './schema-data.js';

export interface SchemaIssue {
  /** JSON pointer into the object, e.g. /spec/template/spec/containers/0/image. */
  path: string;
  message: string;
}

export type SchemaOutcome =
  | { status: 'valid'; schema: string }
  | { status: 'invalid'; issues: SchemaIssue[] }
  | { status: 'skipped'; reason: string };

export interface ValidatorOptions {
  /** Reject fields the schema does not define (kubectl --validate=strict). */
  strict: boolean;
}

/** Minor versions with committed schema data, newest first. */
export const SUPPORTED_KUBERNETES_MINORS = ['1.36', '1.34'] as const;

export function readSchemaData(file: string): SchemaData {
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as SchemaData;
}

/** Schema data of a minor version (`1.36`) from the action's schema directory. */
export function loadKubernetesSchema(schemaDir: string, minor: string): SchemaData {
  return readSchemaData(path.join(schemaDir, `kubernetes-${minor}.json.gz`));
}

/** The CRD schemas shipped with the action (monitoring.coreos.com). */
export function loadShippedCrds(schemaDir: string): SchemaData {
  return readSchemaData(path.join(schemaDir, 'crds.json.gz'));
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** Drops null-valued keys: the API server decodes `field: null` as an unset field. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
}

export class KubernetesValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly definitions: Record<string, JsonSchema>;
  private readonly kinds: Record<string, string>;
  private readonly builtinGroups: Set<string>;

  constructor(
    readonly kubernetes: SchemaData,
    crds: readonly SchemaData[],
    readonly options: ValidatorOptions,
  ) {
    this.kinds = { ...kubernetes.kinds };
    const definitions: Record<string, JsonSchema> = { ...kubernetes.definitions };
    for (const crd of crds) {
      Object.assign(this.kinds, crd.kinds);
      Object.assign(definitions, crd.definitions);
    }
    this.builtinGroups = new Set(
      Object.keys(kubernetes.kinds).map((key) => groupOf(key.slice(0, key.lastIndexOf('/')))),
    );
    this.ajv = new Ajv({
      allErrors: true,
      strict: false,
      // The data is generated (tools/k8s-schemas.ts) and checked against the
      // meta-schema by a unit test; the schemas compiled here are
      // specializations of it (see specialize), so meta-validation is skipped.
      validateSchema: false,
      // Specialized schemas are small and validated a few times each:
      // skipping ajv's code optimization passes saves a third of the compile time.
      code: { optimize: false },
      // Formats the data keeps (see schema-data.ts); the rest were dropped.
      formats: {
        int32: {
          type: 'number',
          validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max,
        },
        int64: { type: 'number', validate: (n: number) => Number.isSafeInteger(n) },
      },
    });
    this.ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields' });
    this.ajv.addKeyword({
      keyword: 'x-kubernetes-list-map-keys',
      type: 'array',
      schemaType: 'array',
      // Server-side apply (helm 4's default) rejects two items with the same keys.
      validate: function uniqueListMapKeys(keys: string[], items: unknown[]) {
        const seen = new Set<string>();
        for (const item of items) {
          if (!item || typeof item !== 'object') continue;
          const id = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k] ?? null));
          if (seen.has(id)) {
            (uniqueListMapKeys as { errors?: Partial<ErrorObject>[] }).errors = [
              {
                keyword: 'x-kubernetes-list-map-keys',
                message: `has two items with the same ${keys.join('/')} ${id}`,
                params: { keys },
              },
            ];
            return false;
          }
          seen.add(id);
        }
        return true;
      },
    });
    this.definitions = definitions;
  }

  /** The Kubernetes version the data describes, e.g. 1.36.3. */
  get version(): string {
    return this.kubernetes.kubernetesVersion ?? 'unknown';
  }

  validate(object: unknown): SchemaOutcome {
    if (!object || typeof object !== 'object' || Array.isArray(object)) {
      return { status: 'invalid', issues: [{ path: '', message: 'is not a YAML mapping' }] };
    }
    const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
      return {
        status: 'invalid',
        issues: [{ path: '', message: 'has no apiVersion or kind' }],
      };
    }
    const definition = this.kinds[kindKey(apiVersion, kind)];
    if (!definition) return this.unknownKind(apiVersion, kind);
    const instance = withoutNulls(object);
    const schema = specialize(
      { $ref: `#/definitions/${definition}` },
      instance,
      this.definitions,
      this.options.strict,
    );
    const validate = this.validatorFor(schema as JsonSchema);
    if (validate(instance)) return { status: 'valid', schema: definition };
    return { status: 'invalid', issues: describeErrors(validate.errors ?? []) };
  }

  private unknownKind(apiVersion: string, kind: string): SchemaOutcome {
    const group = groupOf(apiVersion);
    if (!this.builtinGroups.has(group)) {
      return { status: 'skipped', reason: `no schema for ${apiVersion} ${kind}` };
    }
    const served = Object.keys(this.kinds)
      .filter(
        (key) => key.endsWith(`/${kind}`) && groupOf(key.slice(0, -kind.length - 1)) === group,
      )
      .map((key) => key.slice(0, -kind.length - 1));
    const hint = served.length
      ? `; it serves ${kind} as ${served.join(', ')}`
      : `; ${group || 'the core group'} has no kind ${kind}`;
    return {
      status: 'invalid',
      issues: [
        {
          path: '/apiVersion',
          message: `${apiVersion} ${kind} is not served by Kubernetes ${this.version}${hint}`,
        },
      ],
    };
  }

  /** One compiled validator per specialized schema: objects of the same shape share it. */
  private validatorFor(schema: JsonSchema): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

const DEFINITION_REF = '#/definitions/';

/**
 * The part of a schema that one instance exercises, with every $ref inlined:
 * properties the instance does not set are left out (`required` still
 * catches missing ones), map values and list items get the schema of their
 * own value. Validating the instance against the result gives the same
 * verdict and errors as against the full schema, but ajv compiles a few
 * hundred nodes instead of the whole PodSpec tree (several thousand), which
 * is most of the run time for a chart.
 */
export function specialize(
  node: unknown,
  instance: unknown,
  definitions: Record<string, JsonSchema>,
  strict = false,
): JsonSchema | boolean {
  const inner = (sub: unknown, value: unknown) => specialize(sub, value, definitions, strict);
  if (typeof node === 'boolean') return node;
  if (!node || typeof node !== 'object') return true;
  const schema = node as JsonSchema;
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith(DEFINITION_REF)) {
    const target = definitions[schema.$ref.slice(DEFINITION_REF.length)];
    if (!target) throw new Error(`schema data has no definition for ${schema.$ref}`);
    return inner(target, instance);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (
      key === 'properties' ||
      key === 'additionalProperties' ||
      key === 'items' ||
      key === 'patternProperties'
    )
      continue;
    out[key] =
      (key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)
        ? value.map((branch) => inner(branch, instance))
        : key === 'not'
          ? inner(value, instance)
          : value;
  }
  const isObject = instance !== null && typeof instance === 'object' && !Array.isArray(instance);
  if (
    isObject &&
    (schema.properties || schema.additionalProperties !== undefined || schema.patternProperties)
  ) {
    const declared = (schema.properties ?? {}) as JsonSchema;
    const patterns = Object.entries((schema.patternProperties ?? {}) as JsonSchema).map(
      ([pattern, sub]) => [new RegExp(pattern, 'u'), sub] as const,
    );
    // Strict: an object that lists its properties allows no others, unless
    // Kubernetes keeps unknown fields there (kubectl --validate=strict).
    const closed =
      strict && schema.properties && schema['x-kubernetes-preserve-unknown-fields'] !== true;
    const extra = schema.additionalProperties ?? (closed ? false : undefined);
    const properties: JsonSchema = {};
    for (const [key, value] of Object.entries(instance as Record<string, unknown>)) {
      const applicable: unknown[] = [];
      if (Object.hasOwn(declared, key)) applicable.push(declared[key]);
      for (const [pattern, sub] of patterns) if (pattern.test(key)) applicable.push(sub);
      if (!applicable.length && extra && typeof extra === 'object') applicable.push(extra);
      if (applicable.length === 1) properties[key] = inner(applicable[0], value);
      else if (applicable.length > 1)
        properties[key] = { allOf: applicable.map((sub) => inner(sub, value)) };
    }
    out.properties = properties;
    // Every key the instance has is either listed now or not allowed at all.
    if (extra === false || (extra && typeof extra === 'object')) out.additionalProperties = false;
    else if (extra !== undefined) out.additionalProperties = extra;
  }
  if (
    Array.isArray(instance) &&
    schema.items &&
    typeof schema.items === 'object' &&
    !Array.isArray(schema.items)
  ) {
    out.items = instance.map((item) => inner(schema.items, item));
    out.additionalItems = false;
  } else if (schema.items !== undefined && !Array.isArray(instance)) {
    // not an array: the type check reports it; the item schema is not needed
  } else if (schema.items !== undefined) {
    out.items = schema.items;
  }
  return out;
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
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      return { path: `${at}/${field}`, message: `unknown field "${field}"` };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { path: at, message: `missing required field "${field}"` };
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
