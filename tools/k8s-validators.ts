// Compiles the committed schema data (actions/lint/schemas/*.json.gz) into
// ajv standalone validation code, so that the lint action runs validators
// instead of compiling schemas at every run.
//
//   tsx tools/k8s-validators.ts            regenerate *.validators.json.gz
//   tsx tools/k8s-validators.ts --check    fail when the committed files differ
//
// One function per definition, each its own source text: the action turns
// into functions only the definitions that the kinds it meets reach, on
// first use (src/lint/precompiled.ts). Between definitions, `$ref` becomes a
// keyword that calls the referenced definition's function through `refs`,
// the way ajv calls a separately compiled `$ref`. The output depends only on
// the data and the ajv version in package-lock.json.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Ajv, type KeywordCxt } from 'ajv';
import { Name, _, nil, str, stringify } from 'ajv/dist/compile/codegen/index.js';
import names from 'ajv/dist/compile/names.js';
import standalone from 'ajv/dist/standalone/index.js';
import { callValidateCode } from 'ajv/dist/vocabularies/code.js';
import type { JsonSchema, SchemaData } from '../src/lint/schema-data.js';
import {
  CLOSED_KEYWORD,
  REF_KEYWORD,
  type PrecompiledData,
} from '../src/lint/precompiled-format.js';
import { goRegExp } from '../src/lint/schema-runtime.js';
import { readSchemaData } from '../src/lint/schema.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const SCHEMA_DIR = path.join(REPO_ROOT, 'actions', 'lint', 'schemas');
const DEFINITION_REF = '#/definitions/';
// CommonJS modules: under NodeNext their default import is `module.exports`.
const N = names.default;
const standaloneCode = standalone.default;

/** Free variables of the generated code, bound by the loader. */
const REFS = new Name('refs');
const STRICT = new Name('strict');
const RUNTIME = new Name('runtime');

function newAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    validateSchema: false,
    code: {
      source: true,
      formats: _`${RUNTIME}.formats`,
      regExp: goRegExp,
    },
    formats: {
      int32: { type: 'number', validate: () => true },
      int64: { type: 'number', validate: () => true },
    },
  });
  ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields' });
  ajv.addKeyword({
    keyword: REF_KEYWORD,
    schemaType: 'string',
    // ajv's own code for a $ref to a separately compiled schema (vocabularies/core/ref.ts).
    code(cxt: KeywordCxt) {
      const { gen } = cxt;
      const ref = gen.const('ref', _`${REFS}(${cxt.schema as string})`);
      cxt.result(callValidateCode(cxt, ref, nil), undefined, () => {
        gen.assign(
          N.vErrors,
          _`${N.vErrors} === null ? ${ref}.errors : ${N.vErrors}.concat(${ref}.errors)`,
        );
        gen.assign(N.errors, _`${N.vErrors}.length`);
      });
    },
  });
  ajv.addKeyword({
    // Strict validation (kubectl --validate=strict): an object that lists its
    // properties allows no others. Checked at run time so one code serves both modes.
    keyword: CLOSED_KEYWORD,
    type: 'object',
    schemaType: 'array',
    error: {
      message: 'must NOT have additional properties',
      params: ({ params }) => _`{additionalProperty: ${params.additionalProperty}}`,
    },
    code(cxt: KeywordCxt) {
      const { gen, data } = cxt;
      const declared = cxt.schema as string[];
      gen.if(STRICT, () =>
        gen.forIn('key', data, (key) => {
          const known = declared.map((p) => _`${key} === ${p}`);
          gen.if(known.length ? _`!(${known.reduce((a, b) => _`${a} || ${b}`)})` : _`true`, () => {
            cxt.setParams({ additionalProperty: key });
            cxt.error();
          });
        }),
      );
    },
  });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    type: 'array',
    schemaType: 'array',
    error: {
      message: ({ schema, params }) =>
        str`has two items with the same ${(schema as string[]).join('/')} ${params.id}`,
      params: ({ schema }) => _`{keys: ${stringify(schema)}}`,
    },
    code(cxt: KeywordCxt) {
      const { gen, data } = cxt;
      const id = gen.const(
        'duplicate',
        _`${RUNTIME}.duplicateListMapKey(${data}, ${stringify(cxt.schema)})`,
      );
      cxt.setParams({ id });
      cxt.fail(_`${id} !== undefined`);
    },
  });
  return ajv;
}

/**
 * A definition as the generated code sees it: `$ref`s become calls through
 * `refs`, and objects that list properties carry the strict-mode check with
 * the semantics of specialize() in schema.ts.
 */
function prepare(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prepare);
  if (!node || typeof node !== 'object') return node;
  const schema = node as JsonSchema;
  if (typeof schema.$ref === 'string') {
    if (!schema.$ref.startsWith(DEFINITION_REF) || Object.keys(schema).length > 1)
      throw new Error(`unsupported $ref ${JSON.stringify(schema)}`);
    return { [REF_KEYWORD]: schema.$ref.slice(DEFINITION_REF.length) };
  }
  if (schema.patternProperties || Array.isArray(schema.items))
    throw new Error(
      'patternProperties and tuple items are not supported by the precompiled validators',
    );
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, prepare(v)]))
        : prepare(value);
  }
  if (
    schema.properties &&
    schema.additionalProperties === undefined &&
    schema['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out[CLOSED_KEYWORD] = Object.keys(schema.properties as JsonSchema);
  }
  return out;
}

/**
 * ajv's standalone code keeps the whole schema as a constant even when no
 * code reads it; dropping it saves an eighth of the output.
 */
function withoutSchemaConstant(code: string, schema: JsonSchema): string {
  const found = /const (schema\d+) = /.exec(code);
  if (!found?.[1]) return code;
  const constant = `const ${found[1]} = ${JSON.stringify(schema)};`;
  const stripped = code.replace(constant, '');
  return stripped.includes(found[1]) ? code : stripped;
}

export function precompile(data: SchemaData): PrecompiledData {
  const ajv = newAjv();
  const definitions: Record<string, string> = {};
  for (const [name, schema] of Object.entries(data.definitions)) {
    const prepared = prepare(schema) as JsonSchema;
    definitions[name] = withoutSchemaConstant(standaloneCode(ajv, ajv.compile(prepared)), prepared);
  }
  return {
    source: data.source,
    ...(data.kubernetesVersion ? { kubernetesVersion: data.kubernetesVersion } : {}),
    kinds: data.kinds,
    definitions,
  };
}

/** Writes (or with `check`, compares) the validators of every schema data file; returns how many are stale. */
export function writeValidators(check: boolean): number {
  let stale = 0;
  const inputs = readdirSync(SCHEMA_DIR).filter(
    (f) => f.endsWith('.json.gz') && !f.includes('.validators.'),
  );
  for (const input of inputs.sort()) {
    const file = path.join(SCHEMA_DIR, input.replace(/\.json\.gz$/, '.validators.json.gz'));
    const text = JSON.stringify(precompile(readSchemaData(path.join(SCHEMA_DIR, input))));
    const relative = path.relative(REPO_ROOT, file);
    if (check) {
      if (!existsSync(file) || gunzipSync(readFileSync(file)).toString('utf8') !== text) {
        stale++;
        console.error(`${relative} is out of date`);
      }
      continue;
    }
    const bytes = gzipSync(text, { level: 9 });
    writeFileSync(file, bytes);
    console.log(
      `${relative}: ${(text.length / 1024).toFixed(0)} KiB of code, ${(bytes.length / 1024).toFixed(0)} KiB gzip`,
    );
  }
  return stale;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (writeValidators(process.argv.includes('--check'))) {
    console.error("Run 'npm run schemas:validators' and commit the result.");
    process.exit(1);
  }
}
