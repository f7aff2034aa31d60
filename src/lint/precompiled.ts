// Validators generated ahead of time (tools/k8s-validators.ts) for the
// pinned Kubernetes versions and the shipped CRDs. The file holds the source
// of one function per definition; a definition becomes a function the first
// time an object reaches it, so a chart pays for the definitions its objects
// reach, not for the ~680 in the file.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { ErrorObject } from 'ajv';
import ucs2length from 'ajv/dist/runtime/ucs2length.js';
import type { PrecompiledData } from './precompiled-format.js';
import { describeErrors } from './schema-errors.js';
import { FORMATS, duplicateListMapKey, goRegExp } from './schema-runtime.js';
import type { KindSource, SchemaOutcome } from './schema.js';

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Bound to the free name `runtime` of the generated code. */
const RUNTIME = { formats: FORMATS, regExp: goRegExp, duplicateListMapKey };

/** The ajv run-time helpers the generated code requires, by the name it uses. */
const MODULES: Record<string, unknown> = {
  'ajv/dist/runtime/ucs2length': ucs2length,
};

function requireHelper(name: string): unknown {
  const found = MODULES[name];
  if (!found)
    throw new Error(`generated schema code requires ${name}, which the action does not bundle`);
  return found;
}

export function readPrecompiled(file: string): PrecompiledData {
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as PrecompiledData;
}

/**
 * Validates instances of the kinds of every `data` (later ones win), which
 * together hold every definition their kinds reference: the shipped CRDs
 * reference the Kubernetes ObjectMeta.
 */
export function precompiledSource(data: readonly PrecompiledData[], strict: boolean): KindSource {
  const sources: Record<string, string> = {};
  const kinds: Record<string, string> = {};
  for (const d of data) {
    Object.assign(sources, d.definitions);
    Object.assign(kinds, d.kinds);
  }
  const functions = new Map<string, Validate>();
  const refs = (name: string): Validate => {
    let validate = functions.get(name);
    if (!validate) {
      const source = sources[name];
      if (source === undefined) throw new Error(`schema data has no definition for ${name}`);
      const module = { exports: {} as Validate };
      // The generated code is a CommonJS module with free names refs, strict and runtime.
      new Function('module', 'exports', 'require', 'refs', 'strict', 'runtime', source)(
        module,
        module.exports,
        requireHelper,
        refs,
        strict,
        RUNTIME,
      );
      validate = module.exports;
      functions.set(name, validate);
    }
    return validate;
  };
  return {
    kinds,
    validate(definition: string, instance: unknown): SchemaOutcome {
      const validate = refs(definition);
      if (validate(instance)) return { status: 'valid', schema: definition };
      return { status: 'invalid', issues: describeErrors(validate.errors ?? []) };
    },
  };
}
