// Validates rendered Kubernetes objects against the OpenAPI schema of a
// target Kubernetes version, offline.
//
// Built-in kinds and the shipped CRDs use validators generated ahead of time
// (precompiled.ts); CRD files a user passes in are compiled at run time with
// ajv (schema-compile.ts, loaded only then). Other custom resources are
// reported as skipped, never passed. A built-in group with an apiVersion/kind
// that the target version does not serve is an error (e.g. policy/v1beta1
// PodDisruptionBudget on 1.25+).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { precompiledSource, readPrecompiled } from './precompiled.js';
import { kindKey, type JsonSchema, type SchemaData } from './schema-data.js';
import type { SchemaIssue } from './schema-errors.js';

export type { SchemaIssue } from './schema-errors.js';

export type SchemaOutcome =
  | { status: 'valid'; schema: string }
  | { status: 'invalid'; issues: SchemaIssue[] }
  | { status: 'skipped'; reason: string };

export interface ValidatorOptions {
  /** Reject fields the schema does not define (kubectl --validate=strict). */
  strict: boolean;
}

/** Kinds (`group/version/Kind` -> definition) and how to validate an instance of one. */
export interface KindSource {
  kinds: Record<string, string>;
  /** `instance` has no null-valued keys (see withoutNulls). */
  validate(definition: string, instance: unknown): SchemaOutcome;
}

/** Builds a KindSource that compiles `definitions` at run time (schema-compile.ts). */
export type CompileSource = (
  kinds: Record<string, string>,
  definitions: Record<string, JsonSchema>,
  strict: boolean,
) => KindSource;

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

/** The run-time schema compiler, loaded on demand: it brings ajv. */
export async function loadCompiler(): Promise<CompileSource> {
  return (await import('./schema-compile.js')).compilingSource;
}

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
  private readonly kinds = new Map<string, { definition: string; source: KindSource }>();
  private readonly builtinGroups: Set<string>;

  /**
   * @param version the Kubernetes version of the built-in kinds, e.g. 1.36.3
   * @param builtinKinds the built-in kinds: a group among them is served by Kubernetes itself
   * @param sources where kinds are validated; a kind in several uses the last
   */
  constructor(
    readonly version: string,
    builtinKinds: Record<string, string>,
    sources: readonly KindSource[],
  ) {
    for (const source of sources)
      for (const [key, definition] of Object.entries(source.kinds))
        this.kinds.set(key, { definition, source });
    this.builtinGroups = new Set(
      Object.keys(builtinKinds).map((key) => groupOf(key.slice(0, key.lastIndexOf('/')))),
    );
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
    const found = this.kinds.get(kindKey(apiVersion, kind));
    if (!found) return this.unknownKind(apiVersion, kind);
    return found.source.validate(found.definition, withoutNulls(object));
  }

  private unknownKind(apiVersion: string, kind: string): SchemaOutcome {
    const group = groupOf(apiVersion);
    if (!this.builtinGroups.has(group)) {
      return { status: 'skipped', reason: `no schema for ${apiVersion} ${kind}` };
    }
    const served = [...this.kinds.keys()]
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
}

export interface ValidatorSetup {
  /** The action's schema directory (actions/lint/schemas). */
  schemaDir: string;
  /** Target minor version, e.g. 1.36. */
  minor: string;
  strict: boolean;
  /** CRD files the user passed in; they need `compile`. */
  userCrds?: readonly SchemaData[];
  compile?: CompileSource;
}

/**
 * The validator of one target version: generated validators for the
 * built-in kinds and shipped CRDs, then the user's CRDs compiled at run time.
 */
export function createValidator(setup: ValidatorSetup): KubernetesValidator {
  const { schemaDir, minor, strict } = setup;
  const kubernetes = readPrecompiled(
    path.join(schemaDir, `kubernetes-${minor}.validators.json.gz`),
  );
  const shipped = readPrecompiled(path.join(schemaDir, 'crds.validators.json.gz'));
  const sources = [precompiledSource([kubernetes, shipped], strict)];
  const userCrds = setup.userCrds ?? [];
  if (userCrds.length) {
    if (!setup.compile) throw new Error('CRD files need the schema compiler (loadCompiler)');
    // The user's CRDs reference ObjectMeta, and may reference the shipped ones' definitions.
    const definitions = {
      ...loadKubernetesSchema(schemaDir, minor).definitions,
      ...loadShippedCrds(schemaDir).definitions,
    };
    const kinds: Record<string, string> = {};
    for (const crd of userCrds) {
      Object.assign(kinds, crd.kinds);
      Object.assign(definitions, crd.definitions);
    }
    sources.push(setup.compile(kinds, definitions, strict));
  }
  return new KubernetesValidator(
    kubernetes.kubernetesVersion ?? 'unknown',
    kubernetes.kinds,
    sources,
  );
}
