// Turns Kubernetes OpenAPI v3 documents and CRD openAPIV3Schema blocks into
// compact JSON Schema (draft-07) definitions that ajv validates against.
// Used by tools/k8s-schemas.ts to generate the committed schema data, and at
// run time for CRD files a user passes in.
//
// OpenAPI/Kubernetes extensions are rewritten into plain JSON Schema:
//   $ref '#/components/schemas/X'   -> '#/definitions/X'
//   nullable: true                   -> type [T, 'null']
//   x-kubernetes-int-or-string       -> anyOf integer | string
//   format int-or-string             -> anyOf integer | string
//   Quantity                         -> string matching the quantity grammar, or a number
//   x-kubernetes-list-type: set      -> uniqueItems
// Descriptions, defaults and patch/merge hints are dropped (they do not
// validate anything); x-kubernetes-list-map-keys and
// x-kubernetes-preserve-unknown-fields are kept for the validator.

export type JsonSchema = { [key: string]: unknown };

export interface SchemaData {
  /** Where the data came from (module and path), for the job summary. */
  source: string;
  /** Full Kubernetes version of the spec, for built-in kinds. */
  kubernetesVersion?: string;
  /** `group/version/Kind` (`v1/Kind` for the core group) -> definition name. */
  kinds: Record<string, string>;
  definitions: Record<string, JsonSchema>;
}

export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** k8s.io/apimachinery/pkg/api/resource quantity grammar (signed number, optional suffix). */
export const QUANTITY_PATTERN =
  '^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$';

/** Formats the validator checks; every other format is informational and dropped. */
const KEPT_FORMATS = new Set(['int32', 'int64']);
const DROPPED_KEYS = new Set([
  'description',
  'default',
  'example',
  'externalDocs',
  'title',
  'readOnly',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-unions',
]);
/** Kinds every group version lists that are never applied as manifests. */
const NOT_MANIFEST_KINDS = new Set(['DeleteOptions', 'WatchEvent']);

export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/**
 * The stable API versions of built-in kinds, as an API server's discovery
 * gives them to helm's `.Capabilities.APIVersions`: `group/version` and
 * `group/version/Kind`. Alpha and beta ones are left out: a cluster serves
 * them only when turned on.
 */
export function stableApiVersions(data: SchemaData): string[] {
  const stable = Object.keys(data.kinds).filter((key) => /(?:^|\/)v\d+\/[^/]+$/.test(key));
  return [...new Set(stable.flatMap((key) => [key.slice(0, key.lastIndexOf('/')), key]))].sort();
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const input = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(input)) {
    if (DROPPED_KEYS.has(key)) continue;
    switch (key) {
      case '$ref':
        out.$ref = String(value).replace('#/components/schemas/', '#/definitions/');
        break;
      case 'properties':
      case 'patternProperties':
      case 'definitions':
        out[key] = Object.fromEntries(
          Object.entries(value as JsonSchema).map(([k, v]) => [k, convert(v)]),
        );
        break;
      case 'format':
        if (KEPT_FORMATS.has(String(value))) out.format = value;
        break;
      case 'nullable':
      case 'x-kubernetes-int-or-string':
      case 'x-kubernetes-list-type':
        break; // handled below
      default:
        out[key] = convert(value);
    }
  }
  if (input['x-kubernetes-int-or-string'] === true || input.format === 'int-or-string') {
    delete out.type;
    delete out.oneOf;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (input['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (input['x-kubernetes-list-type'] !== 'map') delete out['x-kubernetes-list-map-keys'];
  if (input.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.anyOf) (out.anyOf as unknown[]).push({ type: 'null' });
  }
  // `allOf: [{$ref}]` is how OpenAPI attaches a description to a reference;
  // with the description gone, the bare reference says the same.
  const keys = Object.keys(out);
  const allOf = out.allOf as JsonSchema[] | undefined;
  if (keys.length === 1 && allOf?.length === 1 && allOf[0]?.$ref) return allOf[0];
  return out;
}

function refsOf(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, into));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string')
        into.add(value.replace('#/definitions/', ''));
      else refsOf(value, into);
    }
  }
}

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** Compacts the documents of `api/openapi-spec/v3` into the definitions reachable from manifest kinds. */
export function fromOpenApiV3(
  documents: readonly object[],
  meta: { kubernetesVersion: string; source: string },
): SchemaData {
  const raw = new Map<string, JsonSchema>();
  const kinds: Record<string, string> = {};
  for (const doc of documents) {
    const schemas = (doc as { components?: { schemas?: Record<string, JsonSchema> } }).components
      ?.schemas;
    for (const [name, schema] of Object.entries(schemas ?? {})) {
      raw.set(name, schema);
      for (const gvk of (schema['x-kubernetes-group-version-kind'] as Gvk[] | undefined) ?? []) {
        if (NOT_MANIFEST_KINDS.has(gvk.kind) || gvk.kind.endsWith('List')) continue;
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        kinds[kindKey(apiVersion, gvk.kind)] = name;
      }
    }
  }
  const definitions: Record<string, JsonSchema> = {};
  const pending = [...new Set(Object.values(kinds))];
  while (pending.length) {
    const name = pending.pop()!;
    if (definitions[name]) continue;
    const schema = raw.get(name);
    if (!schema) throw new Error(`${meta.source}: $ref to missing schema ${name}`);
    const converted = convert(schema) as JsonSchema;
    definitions[name] = converted;
    const refs = new Set<string>();
    refsOf(converted, refs);
    pending.push(...refs);
  }
  if (definitions[QUANTITY]) {
    definitions[QUANTITY] = {
      anyOf: [{ type: 'string', pattern: QUANTITY_PATTERN }, { type: 'number' }],
    };
  }
  return {
    source: meta.source,
    kubernetesVersion: meta.kubernetesVersion,
    kinds: sortKeys(kinds),
    definitions: sortKeys(definitions),
  };
}

interface Crd {
  kind?: string;
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: JsonSchema } }[];
  };
}

/** Definition name of a CRD version's schema. */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return `crd.${group}.${version}.${kind}`;
}

/**
 * Schemas of CustomResourceDefinition documents (apiextensions.k8s.io/v1).
 * `metadata` points at the built-in ObjectMeta, which the Kubernetes data of
 * every version provides, so the result is merged with one of those.
 */
export function fromCrdSchema(documents: readonly unknown[], meta: { source: string }): SchemaData {
  const kinds: Record<string, string> = {};
  const definitions: Record<string, JsonSchema> = {};
  for (const doc of documents) {
    const crd = doc as Crd;
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const group = crd.spec?.group;
    const kind = crd.spec?.names?.kind;
    if (!group || !kind) throw new Error(`${meta.source}: a CRD without spec.group or names.kind`);
    for (const version of crd.spec?.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (version.served === false || !schema) continue;
      const name = crdDefinitionName(group, version.name, kind);
      const converted = convert(schema) as JsonSchema;
      const properties = (converted.properties ?? {}) as JsonSchema;
      // Every object carries these, whether or not the CRD author listed them.
      properties.apiVersion = { type: 'string' };
      properties.kind = { type: 'string' };
      properties.metadata = { $ref: `#/definitions/${OBJECT_META}` };
      converted.properties = properties;
      definitions[name] = converted;
      kinds[kindKey(`${group}/${version.name}`, kind)] = name;
    }
  }
  return { source: meta.source, kinds: sortKeys(kinds), definitions: sortKeys(definitions) };
}

/** Several results of fromCrdSchema as one, later ones winning: what converting all their documents at once gives. */
export function mergeCrdSchemas(
  parts: readonly SchemaData[],
  meta: { source: string },
): SchemaData {
  return {
    source: meta.source,
    kinds: sortKeys(Object.assign({}, ...parts.map((p) => p.kinds)) as Record<string, string>),
    definitions: sortKeys(
      Object.assign({}, ...parts.map((p) => p.definitions)) as Record<string, JsonSchema>,
    ),
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
