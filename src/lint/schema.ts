// Validates rendered Kubernetes objects against the OpenAPI schema of a
// target Kubernetes version, offline.
//
// Built-in kinds and the shipped CRDs use validators generated ahead of time
// (precompiled.ts); the CRDs a chart brings (chart-crds.ts) and the CRD
// files a user passes in are compiled at run time with ajv (schema-compile.ts,
// loaded only then). Other custom resources are reported as skipped, never
// passed. A built-in group with an apiVersion/kind
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
  private readonly builtinKinds: Set<string>;

  /**
   * @param version the Kubernetes version of the built-in kinds, e.g. 1.36.3
   * @param builtinKinds the built-in kinds: a group among them is served by Kubernetes itself
   * @param sources where kinds are validated; a kind in several uses the last
   * @param origins where the CRD of a compiled kind (`group/version/Kind`) came from
   */
  constructor(
    readonly version: string,
    builtinKinds: Record<string, string>,
    sources: readonly KindSource[],
    private readonly origins: ReadonlyMap<string, CrdOrigin> = new Map(),
  ) {
    for (const source of sources)
      for (const [key, definition] of Object.entries(source.kinds))
        this.kinds.set(key, { definition, source });
    this.builtinKinds = new Set(Object.keys(builtinKinds));
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

  /**
   * Whether a CRD of the chart could validate the object: a custom resource
   * that is not a built-in kind and not defined by the crds input (which
   * wins anyway).
   */
  takesChartCrd(object: { apiVersion?: unknown; kind?: unknown }): boolean {
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return false;
    const key = kindKey(object.apiVersion, object.kind);
    return !this.builtinKinds.has(key) && this.origins.get(key) !== 'the crds input';
  }

  /** Where the CRD that validates the object came from; undefined for built-in and shipped kinds. */
  originOf(object: { apiVersion?: unknown; kind?: unknown }): CrdOrigin | undefined {
    return this.origins.get(kindKey(String(object.apiVersion), String(object.kind)));
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

/** Where a CRD compiled at run time came from, lowest precedence first. */
export const CRD_ORIGINS = [
  "the chart's crds/",
  "the chart's templates",
  'the crds input',
] as const;
export type CrdOrigin = (typeof CRD_ORIGINS)[number];

export interface ValidatorSetup {
  /** The action's schema directory (actions/lint/schemas). */
  schemaDir: string;
  /** Target minor version, e.g. 1.36. */
  minor: string;
  strict: boolean;
  /** CRDs of the chart's (and its subcharts') crds/ files; they need `compile`. */
  chartCrds?: readonly SchemaData[];
  /** CRDs the values set renders from templates; they need `compile`. */
  renderedCrds?: readonly SchemaData[];
  /** CRD files the user passed in; they need `compile`. */
  userCrds?: readonly SchemaData[];
  compile?: CompileSource;
}

/**
 * The validator of one target version: generated validators for the
 * built-in kinds and shipped CRDs, then the CRDs of the chart and of the
 * user compiled at run time. A kind defined in several places takes the
 * last of: shipped, chart crds/, rendered, crds input. The chart's own CRD
 * is the one installed with it, so it beats the shipped copy; an explicit
 * input beats what the chart brings, so a user can validate against the CRD
 * version their cluster actually serves.
 */
export function createValidator(setup: ValidatorSetup): KubernetesValidator {
  const { schemaDir, minor, strict } = setup;
  const kubernetes = readPrecompiled(
    path.join(schemaDir, `kubernetes-${minor}.validators.json.gz`),
  );
  const shipped = readPrecompiled(path.join(schemaDir, 'crds.validators.json.gz'));
  const sources = [precompiledSource([kubernetes, shipped], strict)];
  const byOrigin: [CrdOrigin, readonly SchemaData[]][] = [
    [CRD_ORIGINS[0], setup.chartCrds ?? []],
    [CRD_ORIGINS[1], setup.renderedCrds ?? []],
    [CRD_ORIGINS[2], setup.userCrds ?? []],
  ];
  const origins = new Map<string, CrdOrigin>();
  if (byOrigin.some(([, crds]) => crds.length)) {
    if (!setup.compile) throw new Error('CRD files need the schema compiler (loadCompiler)');
    // The CRDs reference ObjectMeta, and may reference the shipped ones' definitions.
    const definitions = {
      ...loadKubernetesSchema(schemaDir, minor).definitions,
      ...loadShippedCrds(schemaDir).definitions,
    };
    const kinds: Record<string, string> = {};
    for (const [origin, crds] of byOrigin)
      for (const crd of crds) {
        Object.assign(kinds, crd.kinds);
        Object.assign(definitions, crd.definitions);
        for (const key of Object.keys(crd.kinds)) origins.set(key, origin);
      }
    sources.push(setup.compile(kinds, definitions, strict));
  }
  return new KubernetesValidator(
    kubernetes.kubernetesVersion ?? 'unknown',
    kubernetes.kinds,
    sources,
    origins,
  );
}
