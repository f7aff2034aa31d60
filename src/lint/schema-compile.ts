// Validators compiled at run time with ajv, for CustomResourceDefinitions a
// user passes in (the crds input) or a chart brings (chart-crds.ts): built-in
// kinds and the shipped CRDs use the validators generated ahead of time
// (precompiled.ts). Loaded only when there is such a CRD, so a lint without
// one never loads ajv.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema } from './schema-data.js';
import { describeErrors } from './schema-errors.js';
import { FORMATS, duplicateListMapKey, goRegExp } from './schema-runtime.js';
import type { KindSource, SchemaOutcome } from './schema.js';

function newAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    // The data is generated (tools/k8s-schemas.ts) and checked against the
    // meta-schema by a unit test; the schemas compiled here are
    // specializations of it (see specialize), so meta-validation is skipped.
    validateSchema: false,
    // Specialized schemas are small and validated a few times each:
    // skipping ajv's code optimization passes saves a third of the compile time.
    code: { optimize: false, regExp: goRegExp },
    formats: FORMATS,
  });
  ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields' });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    type: 'array',
    schemaType: 'array',
    validate: function uniqueListMapKeys(keys: string[], items: unknown[]) {
      const id = duplicateListMapKey(items, keys);
      if (id === undefined) return true;
      (uniqueListMapKeys as { errors?: Partial<ErrorObject>[] }).errors = [
        {
          keyword: 'x-kubernetes-list-map-keys',
          message: `has two items with the same ${keys.join('/')} ${id}`,
          params: { keys },
        },
      ];
      return false;
    },
  });
  return ajv;
}

/**
 * Validates the instances of `kinds` against `definitions` (which must hold
 * every definition they reference, ObjectMeta included), compiling one
 * validator per object shape (see specialize).
 */
export function compilingSource(
  kinds: Record<string, string>,
  definitions: Record<string, JsonSchema>,
  strict: boolean,
): KindSource {
  const ajv = newAjv();
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (schema: JsonSchema): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(key, validate);
    }
    return validate;
  };
  return {
    kinds,
    validate(definition: string, instance: unknown): SchemaOutcome {
      const schema = specialize(
        { $ref: `#/definitions/${definition}` },
        instance,
        definitions,
        strict,
      );
      const validate = validatorFor(schema as JsonSchema);
      if (validate(instance)) return { status: 'valid', schema: definition };
      return { status: 'invalid', issues: describeErrors(validate.errors ?? []) };
    },
  };
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
