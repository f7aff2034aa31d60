// The validators generated ahead of time (actions/lint/schemas/*.validators.json.gz)
// must say exactly what compiling the schema data at run time says: same
// verdict, same issues in the same order. Checked on the chart's real
// renders (every environment and ci scenario) and on a sample of broken
// variants of them: wrong types, unknown fields, missing required fields,
// bad quantities and formats, duplicate list-map keys, removed APIs.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { precompiledSource, readPrecompiled } from '../../src/lint/precompiled.js';
import {
  KubernetesValidator,
  createValidator,
  loadCompiler,
  loadKubernetesSchema,
  loadShippedCrds,
  type CompileSource,
} from '../../src/lint/schema.js';
import { renderChart, ciScenarios, environmentFiles, type K8sObject } from '../support/chart.js';
import { REPO_ROOT } from '../support/run-action.js';

const SCHEMAS = path.join(REPO_ROOT, 'actions/lint/schemas');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value in the object, depth first. */
function paths(node: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(node)) node.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) out.push(...paths(v, [...at, k]));
  return out;
}

function edit(
  root: Json,
  at: (string | number)[],
  change: (parent: Json, key: string | number) => void,
): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const seg of at.slice(0, -1)) parent = parent[seg] as Record<string | number, Json>;
  change(parent as Json, at[at.length - 1]!);
  return copy;
}

/** Broken variants of one object, a few per value it holds. */
function variants(object: Json): Json[] {
  const out: Json[] = [];
  for (const at of paths(object).slice(1)) {
    const set = (value: Json) =>
      out.push(edit(object, at, (p, k) => ((p as Record<string | number, Json>)[k] = value)));
    const value = at.reduce<Json>((n, seg) => (n as Record<string | number, Json>)[seg]!, object);
    if (typeof value === 'string') {
      set(7);
      set(`${value}x`); // breaks quantities and enums
    } else if (typeof value === 'number') {
      set('seven');
      set(2 ** 40); // past int32
      set(1.5);
    } else if (typeof value === 'boolean') set('yes');
    else if (Array.isArray(value)) {
      set({ not: 'a list' });
      if (value.length) set([...value, structuredClone(value[0]!)]); // duplicate list-map key
    } else if (value && typeof value === 'object') {
      set('scalar');
      set({ ...value, unknownField: 1 });
      for (const key of Object.keys(value).slice(0, 3))
        out.push(
          edit(
            object,
            at,
            (p, k) => delete ((p as Record<string | number, Json>)[k] as Record<string, Json>)[key],
          ),
        );
    } else set(['null became a list']);
  }
  return out;
}

function compiled(minor: string, strict: boolean, compile: CompileSource): KubernetesValidator {
  const kubernetes = loadKubernetesSchema(SCHEMAS, minor);
  const crds = loadShippedCrds(SCHEMAS);
  return new KubernetesValidator(kubernetes.kubernetesVersion ?? 'unknown', kubernetes.kinds, [
    compile(
      { ...kubernetes.kinds, ...crds.kinds },
      { ...kubernetes.definitions, ...crds.definitions },
      strict,
    ),
  ]);
}

describe('precompiled schema validators', () => {
  let objects: K8sObject[] = [];
  let compile: CompileSource;
  beforeAll(async () => {
    compile = await loadCompiler();
    const renders = [
      ...(await environmentFiles()).map((file) => renderChart({ valuesFiles: [file] })),
      ...(await ciScenarios()).map((file) => renderChart({ valuesFiles: [file] })),
    ];
    const seen = new Set<string>();
    for (const rendered of await Promise.all(renders)) {
      for (const object of rendered.objects) {
        const key = JSON.stringify(object);
        if (!seen.has(key)) objects.push(object);
        seen.add(key);
      }
    }
    objects = objects.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  });

  it.each([
    ['1.36', true],
    ['1.36', false],
    ['1.34', true],
  ] as const)(
    'Kubernetes %s, strict %s: same outcome as compiling at run time',
    (minor, strict) => {
      const ahead = createValidator({ schemaDir: SCHEMAS, minor, strict });
      const runtime = compiled(minor, strict, compile);
      const kinds = new Set(objects.map((o) => `${o.apiVersion}/${o.kind}`));
      expect(kinds.size).toBeGreaterThan(10);
      for (const object of objects)
        expect(ahead.validate(object)).toEqual(runtime.validate(object));
      // Compiling at run time takes tens of ms per object shape here: a spread sample of the variants.
      const all = objects.flatMap((object) => variants(object as unknown as Json));
      const sample = all.filter((_, i) => i % Math.ceil(all.length / 250) === 0);
      let invalid = 0;
      for (const variant of sample) {
        const outcome = runtime.validate(variant);
        expect(ahead.validate(variant), JSON.stringify(variant)).toEqual(outcome);
        if (outcome.status === 'invalid') invalid++;
      }
      // The comparison covers failures, not only objects that pass.
      expect(invalid).toBeGreaterThan(sample.length / 3);
    },
  );

  it('reports a removed API and a custom resource without schema as before', () => {
    const ahead = createValidator({ schemaDir: SCHEMAS, minor: '1.36', strict: true });
    const runtime = compiled('1.36', true, compile);
    for (const object of [
      { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'x' } },
      { apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'x' } },
      { apiVersion: 'v1', kind: 'Nothing' },
      { kind: 'Service' },
      ['not', 'an', 'object'],
    ]) {
      expect(ahead.validate(object)).toEqual(runtime.validate(object));
    }
  });

  it('turns every definition into a function the action can run', () => {
    // A function is made on first use: make them all, those no chart here reaches too
    // (patterns, formats and the helpers the generated code requires).
    const crds = readPrecompiled(path.join(SCHEMAS, 'crds.validators.json.gz'));
    for (const minor of ['1.36', '1.34']) {
      const kubernetes = readPrecompiled(
        path.join(SCHEMAS, `kubernetes-${minor}.validators.json.gz`),
      );
      const source = precompiledSource([kubernetes, crds], true);
      const names = Object.keys({ ...kubernetes.definitions, ...crds.definitions });
      expect(names.length).toBeGreaterThan(500);
      for (const name of names) {
        for (const instance of [{}, [], 'text', 1])
          expect(() => source.validate(name, instance), name).not.toThrow();
      }
    }
  });
});
