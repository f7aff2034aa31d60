import path from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fromCrdSchema,
  fromOpenApiV3,
  stableApiVersions,
  type SchemaData,
} from '../../../src/lint/schema-data.js';
import {
  createValidator,
  loadCompiler,
  loadKubernetesSchema,
  loadShippedCrds,
  withoutNulls,
  type KubernetesValidator,
  type SchemaOutcome,
} from '../../../src/lint/schema.js';
import { REPO_ROOT } from '../../support/run-action.js';

const SCHEMAS = path.join(REPO_ROOT, 'actions/lint/schemas');

const deployment = (
  spec: Record<string, unknown> = {},
  container: Record<string, unknown> = {},
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', labels: { app: 'api' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: { containers: [{ name: 'api', image: 'api:1', ...container }] },
    },
    ...spec,
  },
});

function issues(outcome: SchemaOutcome): string[] {
  return outcome.status === 'invalid' ? outcome.issues.map((i) => `${i.path}: ${i.message}`) : [];
}

describe('committed schema data', () => {
  it.each(['1.36', '1.34'])(
    '%s is valid JSON Schema and names the k8s.io/kubernetes source',
    (minor) => {
      const data = loadKubernetesSchema(SCHEMAS, minor);
      expect(data.source).toMatch(
        new RegExp(
          `^k8s\\.io/kubernetes@v${minor.replace('.', '\\.')}\\.\\d+ api/openapi-spec/v3$`,
        ),
      );
      // The validator skips meta-validation for speed; this is where the data is checked.
      const ajv = new Ajv({ strict: false });
      expect(
        ajv.validateSchema({ definitions: data.definitions }),
        JSON.stringify(ajv.errors?.slice(0, 3)),
      ).toBe(true);
      expect(data.kinds['apps/v1/Deployment']).toBe('io.k8s.api.apps.v1.Deployment');
      for (const name of Object.values(data.kinds)) expect(data.definitions[name]).toBeDefined();
    },
  );

  it('lists the stable API versions a cluster of the version serves, as discovery gives them to helm', () => {
    const served = stableApiVersions(loadKubernetesSchema(SCHEMAS, '1.36'));
    for (const v of [
      'v1',
      'v1/Service',
      'apiregistration.k8s.io/v1',
      'apiregistration.k8s.io/v1/APIService',
      'policy/v1/PodDisruptionBudget',
      'autoscaling/v2/HorizontalPodAutoscaler',
    ])
      expect(served).toContain(v);
    // served only when turned on
    expect(served.filter((v) => /\/v\d+(?:alpha|beta)\d+(?:\/|$)/.test(v))).toEqual([]);
  });

  it('ships the ServiceMonitor CRD schema', () => {
    expect(loadShippedCrds(SCHEMAS).kinds['monitoring.coreos.com/v1/ServiceMonitor']).toBe(
      'crd.monitoring.coreos.com.v1.ServiceMonitor',
    );
  });
});

describe('KubernetesValidator', () => {
  let strict: KubernetesValidator;
  let lenient: KubernetesValidator;
  let k134: KubernetesValidator;
  beforeAll(() => {
    strict = createValidator({ schemaDir: SCHEMAS, minor: '1.36', strict: true });
    lenient = createValidator({ schemaDir: SCHEMAS, minor: '1.36', strict: false });
    k134 = createValidator({ schemaDir: SCHEMAS, minor: '1.34', strict: true });
  });

  it('accepts a valid Deployment, int-or-string fields either way, and null fields', () => {
    const ok = deployment(
      { strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } },
      { resources: { limits: { cpu: 2, memory: '1.5Gi' } } },
    );
    expect(strict.validate(ok)).toEqual({
      status: 'valid',
      schema: 'io.k8s.api.apps.v1.Deployment',
    });
    expect(strict.validate({ ...ok, metadata: { name: 'api', annotations: null } }).status).toBe(
      'valid',
    );
    expect(k134.validate(ok).status).toBe('valid');
  });

  it('names the field, with readable messages for types, int-or-string and quantities', () => {
    const bad = deployment(
      { replicas: 'three', strategy: { rollingUpdate: { maxSurge: true } } },
      {
        resources: { limits: { memory: '512MB' } },
        ports: [{ containerPort: 80 }, { containerPort: 80 }],
      },
    );
    expect(issues(strict.validate(bad))).toEqual([
      '/spec/replicas: must be an integer',
      '/spec/strategy/rollingUpdate/maxSurge: must be an integer or a string',
      '/spec/template/spec/containers/0/ports: has two items with the same containerPort/protocol [80,null]',
      '/spec/template/spec/containers/0/resources/limits/memory: must be a quantity such as 500m, 1.5, 256Mi or 2Gi',
    ]);
  });

  it('reports missing required fields and out-of-range int32 values', () => {
    const noContainers = deployment();
    (noContainers.spec.template.spec as Record<string, unknown>).containers = null; // null is unset, as for the API server
    expect(issues(strict.validate(noContainers))).toEqual([
      '/spec/template/spec: missing required field "containers"',
    ]);
    expect(issues(strict.validate(deployment({ replicas: 2 ** 31 })))).toEqual([
      '/spec/replicas: must be a 32-bit integer',
    ]);
  });

  it('rejects unknown fields only when strict', () => {
    const typo = deployment({}, { imagePullPolicyy: 'Always' });
    expect(issues(strict.validate(typo))).toEqual([
      '/spec/template/spec/containers/0/imagePullPolicyy: unknown field "imagePullPolicyy"',
    ]);
    expect(lenient.validate(typo).status).toBe('valid');
  });

  it('knows which API versions a Kubernetes version serves', () => {
    const pdb = {
      apiVersion: 'policy/v1beta1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'x' },
      spec: {},
    };
    expect(issues(strict.validate(pdb))).toEqual([
      '/apiVersion: policy/v1beta1 PodDisruptionBudget is not served by Kubernetes 1.36.3; it serves PodDisruptionBudget as policy/v1',
    ]);
    expect(issues(strict.validate({ apiVersion: 'apps/v1', kind: 'Deploymnet' }))[0]).toContain(
      'apps has no kind Deploymnet',
    );
    expect(issues(strict.validate({ kind: 'Service' }))).toEqual([': has no apiVersion or kind']);
  });

  it('validates custom resources with a known CRD schema and skips the others', () => {
    const sm = (interval: string) => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'api' },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        endpoints: [{ port: 'metrics', interval }],
      },
    });
    expect(strict.validate(sm('30s')).status).toBe('valid');
    expect(issues(strict.validate(sm('30 seconds')))[0]).toMatch(
      /^\/spec\/endpoints\/0\/interval: must match pattern/,
    );
    expect(
      strict.validate({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'x' },
      }),
    ).toEqual({
      status: 'skipped',
      reason: 'no schema for cert-manager.io/v1 Certificate',
    });
    // gateway.networking.k8s.io is a CRD group even though it ends in k8s.io
    expect(
      strict.validate({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' }).status,
    ).toBe('skipped');
  });

  it('withoutNulls drops null keys at every depth but keeps list items', () => {
    expect(withoutNulls({ a: null, b: { c: null, d: 1 }, e: [null, { f: null }] })).toEqual({
      b: { d: 1 },
      e: [null, {}],
    });
  });
});

describe('schema-data conversion', () => {
  const spec = {
    components: {
      schemas: {
        'io.k8s.example.v1.Widget': {
          description: 'dropped',
          type: 'object',
          'x-kubernetes-group-version-kind': [
            { group: 'example.io', version: 'v1', kind: 'Widget' },
          ],
          properties: {
            size: {
              allOf: [
                { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
              ],
              default: {},
            },
            note: { type: 'string', nullable: true },
            tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
            count: { type: 'integer', format: 'int32' },
            when: { type: 'string', format: 'date-time' },
          },
        },
        'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
          type: 'string',
          format: 'int-or-string',
        },
        'io.k8s.unused.Thing': { type: 'object' },
      },
    },
  };

  it('keeps what validates and rewrites the OpenAPI extensions', () => {
    const data: SchemaData = fromOpenApiV3([spec], { kubernetesVersion: '9.9.9', source: 'test' });
    expect(data.kinds).toEqual({ 'example.io/v1/Widget': 'io.k8s.example.v1.Widget' });
    expect(Object.keys(data.definitions)).toEqual([
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      'io.k8s.example.v1.Widget',
    ]);
    expect(data.definitions['io.k8s.example.v1.Widget']).toEqual({
      type: 'object',
      properties: {
        size: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
        note: { type: ['string', 'null'] },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        count: { type: 'integer', format: 'int32' },
        when: { type: 'string' },
      },
    });
    expect(data.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    });
  });

  it('reads CRDs: served versions, int-or-string, preserved unknown fields, ObjectMeta for metadata', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'example.io',
        names: { kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  metadata: { type: 'object' },
                  spec: {
                    type: 'object',
                    properties: {
                      port: {
                        'x-kubernetes-int-or-string': true,
                        anyOf: [{ type: 'integer' }, { type: 'string' }],
                      },
                      raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    },
                  },
                },
              },
            },
          },
          { name: 'v0', served: false, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      },
    };
    const data = fromCrdSchema([crd, { kind: 'ConfigMap' }], { source: 'test' });
    expect(data.kinds).toEqual({ 'example.io/v1/Gadget': 'crd.example.io.v1.Gadget' });
    const schema = data.definitions['crd.example.io.v1.Gadget'] as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(schema.properties.metadata).toEqual({
      $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    });
    expect(schema.properties.spec!.properties!.port).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'string' }],
    });

    // unknown fields are rejected in strict mode except under x-kubernetes-preserve-unknown-fields
    const validator = createValidator({
      schemaDir: SCHEMAS,
      minor: '1.36',
      strict: true,
      userCrds: [data],
      compile: await loadCompiler(),
    });
    const gadget = (spec: Record<string, unknown>) => ({
      apiVersion: 'example.io/v1',
      kind: 'Gadget',
      metadata: { name: 'g' },
      spec,
    });
    expect(
      issues(validator.validate(gadget({ port: 'http', raw: { anything: { goes: 1 } } }))),
    ).toEqual([]);
    expect(issues(validator.validate(gadget({ prot: 80 })))).toEqual([
      '/spec/prot: unknown field "prot"',
    ]);
  });
});
