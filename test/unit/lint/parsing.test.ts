import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLintOutput, splitManifest } from '../../../src/helm/render.js';
import {
  helmErrorFindings,
  lintFindings,
  valuesSchemaFindings,
} from '../../../src/lint/helm-messages.js';
import { Locator, templateNameWords } from '../../../src/lint/locate.js';
import { withoutUnrenderedDeprecations } from '../../../src/lint/stages/helm-lint.js';
import { policyStage } from '../../../src/lint/stages/policy.js';
import { listItems } from '../../../src/lint/stages/render.js';
import { levelsFor, parsePolicy } from '../../../src/lint/policy-config.js';
import { parseValuesText } from '../../../src/lint/values-files.js';

describe('helm lint output', () => {
  // helm 4.3 output for a values file that breaks values.schema.json (abridged)
  const stdout = `==> Linting chart/hotswap
[INFO] Chart.yaml: icon is recommended
[ERROR] values.yaml: - at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'
- at '/replicaCount': got string, want integer

[ERROR] templates/: values don't meet the specifications of the schema(s) in the following chart(s):
hotswap:
- at '': additional properties 'bogus' not allowed
[WARNING] templates/pdb.yaml: policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+

Error: 1 chart(s) linted, 1 chart(s) failed
`;

  it('groups continuation lines into their message', () => {
    const messages = parseLintOutput(stdout);
    expect(messages.map((m) => [m.severity, m.path])).toEqual([
      ['INFO', 'Chart.yaml'],
      ['ERROR', 'values.yaml'],
      ['ERROR', 'templates/'],
      ['WARNING', 'templates/pdb.yaml'],
    ]);
    expect(messages[1]!.message.split('\n')).toHaveLength(2);
  });

  it('turns values.schema.json errors into values keys and other messages into chart places', () => {
    const findings = lintFindings(parseLintOutput(stdout));
    expect(findings.map((f) => f.place)).toEqual([
      { kind: 'values-key', path: ['image', 'pullPolicy'] },
      { kind: 'values-key', path: ['replicaCount'] },
      { kind: 'values-key', path: ['bogus'] },
      { kind: 'template', source: 'templates/pdb.yaml' },
    ]);
    expect(findings[2]!.message).toBe(
      "values.schema.json: bogus: additional properties 'bogus' not allowed",
    );
    expect(findings[3]!.severity).toBe('warning');
  });

  it('points a missing required property at its key when a file writes it without a value, else at its parent', () => {
    const text = `values don't meet the specifications of the schema(s) in the following chart(s):
external-dns:
- at '': missing property 'policy'
- at '/provider': missing properties 'name', 'webhook'`;
    expect(valuesSchemaFindings(text).map((f) => [f.place, f.message])).toEqual([
      [
        { kind: 'values-key', path: ['policy'] },
        "values.schema.json: policy: missing property 'policy'",
      ],
      [
        { kind: 'values-key', path: ['provider', 'name'] },
        "values.schema.json: provider.name: missing properties 'name', 'webhook'",
      ],
      [
        { kind: 'values-key', path: ['provider', 'webhook'] },
        "values.schema.json: provider.webhook: missing properties 'name', 'webhook'",
      ],
    ]);
    // gojsonschema's form
    expect(
      valuesSchemaFindings(`${text.split('\n')[0]}\nx:\n- (root): policy is required`).map(
        (f) => f.place,
      ),
    ).toEqual([{ kind: 'values-key', path: ['policy'] }]);
  });

  it('reads the older helm 3 (gojsonschema) format', () => {
    const text = `values don't meet the specifications of the schema(s) in the following chart(s):
hotswap:
- image.pullPolicy: image.pullPolicy must be one of the following: "Always", "IfNotPresent", "Never"
- (root): Additional property bogus is not allowed`;
    expect(valuesSchemaFindings(text).map((f) => f.place)).toEqual([
      { kind: 'values-key', path: ['image', 'pullPolicy'] },
      { kind: 'values-key', path: ['bogus'] },
    ]);
  });

  it('finds the template line of execution and parse errors', () => {
    expect(
      helmErrorFindings('execution error at (web/templates/hpa.yaml:3:4): needs a target')[0]!
        .place,
    ).toEqual({
      kind: 'template',
      source: 'web/templates/hpa.yaml',
      line: 3,
      column: 4,
    });
    expect(
      helmErrorFindings(
        'parse error at (c/templates/x.yaml:17): function "nosuchfn" not defined',
      )[0]!.place,
    ).toMatchObject({ line: 17 });
    expect(
      helmErrorFindings('YAML parse error on c/templates/x.yaml: error converting YAML to JSON')[0]!
        .place,
    ).toEqual({
      kind: 'template',
      source: 'c/templates/x.yaml',
    });
  });

  it('finds the template line of helm 4 execution errors, which start with the place', () => {
    // helm 4.3 `helm template` / `helm lint` output for `{{ .Values.a.b.c }}` with `a: {}`
    const error = `h4err/templates/cm.yaml:6:15
  executing "h4err/templates/cm.yaml" at <.Values.a.b.c>:
    nil pointer evaluating interface {}.c`;
    const place = { kind: 'template', source: 'h4err/templates/cm.yaml', line: 6, column: 15 };
    expect(helmErrorFindings(error)[0]!.place).toEqual(place);
    const lint = parseLintOutput(`==> Linting h4err\n[ERROR] templates/: ${error}\n`);
    expect(lintFindings(lint).map((f) => f.place)).toEqual([place]);
    // helm lint's `templates/: ` names no file: the message is helm template's, one finding
    expect(lintFindings(lint).map((f) => f.message)).toEqual([
      helmErrorFindings(error)[0]!.message,
    ]);
  });

  it('names the values key of a value of the wrong kind an execution error reads (minio, helm 4 and 3)', () => {
    // `ingress.hosts: minio.example.com`, ranged over as a list
    const range = `minio/templates/ingress.yaml:35:21
  executing "minio/templates/ingress.yaml" at <.Values.ingress.hosts>:
    range can't iterate over minio.example.com`;
    expect(helmErrorFindings(range)[0]!.place).toEqual({
      kind: 'template',
      source: 'minio/templates/ingress.yaml',
      line: 35,
      column: 21,
      values: ['ingress', 'hosts'],
    });
    // `persistence: true`, read as a map
    const field =
      'template: minio/templates/statefulset.yaml:9:22: executing "minio/templates/statefulset.yaml" at <.Values.persistence.subPath>: can\'t evaluate field subPath in type interface {}';
    expect(helmErrorFindings(field)[0]!.place).toMatchObject({ values: ['persistence'] });
    // a nil pointer is a map the chart does not have: the template line alone
    expect(
      helmErrorFindings(`h4err/templates/cm.yaml:6:15
  executing "h4err/templates/cm.yaml" at <.Values.a.b.c>:
    nil pointer evaluating interface {}.c`)[0]!.place,
    ).not.toHaveProperty('values');
  });

  it('points a value of the wrong kind at its key when a values file sets it to a scalar, else at the template line', () => {
    const chart = mkdtempSync(path.join(tmpdir(), 'wrong-kind-'));
    mkdirSync(path.join(chart, 'templates'));
    writeFileSync(path.join(chart, 'templates', 'ingress.yaml'), 'rules:\n');
    const defaults = parseValuesText(
      path.join(chart, 'values.yaml'),
      'ingress:\n  hosts:\n    - a.example.com\npersistence:\n  size: 1Gi\n',
    );
    const env = parseValuesText(
      path.join(chart, 'prod.yaml'),
      'ingress:\n  hosts: a.example.com\npersistence: true\n',
    );
    const template = path.join(chart, 'templates', 'ingress.yaml');
    const place = (values: string[]) =>
      ({ kind: 'template', source: 'app/templates/ingress.yaml', line: 1, values }) as const;
    const locator = new Locator(chart, [defaults, env]);
    expect(locator.place(place(['ingress', 'hosts']))).toEqual({
      file: path.join(chart, 'prod.yaml'),
      line: 2,
      column: 3,
    });
    expect(locator.place(place(['persistence']))).toMatchObject({ line: 3, column: 1 });
    // the defaults alone: a list, a map, a key no file sets; none is a scalar
    const defaultsOnly = new Locator(chart, [defaults]);
    for (const values of [['ingress', 'hosts'], ['persistence'], ['nope']])
      expect(defaultsOnly.place(place(values))).toEqual({ file: template, line: 1 });
  });

  it('points a dependency that is not vendored at the dependencies of Chart.yaml', () => {
    // helm 4.3, argo-cd without charts/redis-ha: `helm lint` (the chart's absolute path is
    // not a template place), then `helm template`
    const lint = parseLintOutput(
      '==> Linting /w/argo-cd\n[ERROR] /w/argo-cd: chart directory is missing these dependencies: redis-ha\n',
    );
    const template =
      "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: redis-ha";
    const place = { kind: 'chart-file', path: 'Chart.yaml', key: 'dependencies' };
    expect(lintFindings(lint).map((f) => f.place)).toEqual([place]);
    expect(helmErrorFindings(template)[0]!.place).toEqual(place);
  });

  it("points a field helm 4's strict Chart.yaml parse does not know at that field (harbor's engine)", () => {
    const lint = parseLintOutput(
      '==> Linting harbor\n[ERROR] Chart.yaml: failed to strictly parse chart metadata file\n\terror unmarshaling JSON: while decoding JSON: json: unknown field "engine"\n',
    );
    expect(lintFindings(lint).map((f) => f.place)).toEqual([
      { kind: 'chart-file', path: 'Chart.yaml', key: 'engine' },
    ]);
  });

  it('points a values file helm could not parse at the line it names', () => {
    const error =
      'failed to parse /w/env/dev.yaml: error converting YAML to JSON: yaml: line 2: did not find expected key';
    expect(helmErrorFindings(error)[0]!.place).toEqual({
      kind: 'file',
      path: '/w/env/dev.yaml',
      line: 2,
    });
    // no line named: the file, not the chart
    expect(
      helmErrorFindings(
        "failed to parse /w/env/dev.yaml: cannot unmarshal yaml document: error converting YAML to JSON: yaml: unknown anchor 'y' referenced",
      )[0]!.place,
    ).toEqual({ kind: 'file', path: '/w/env/dev.yaml' });
  });

  it('splits rendered output by document and source', () => {
    const docs = splitManifest(
      '---\n# Source: web/templates/a.yaml\nkind: A\n---\n# Source: web/templates/b.yaml\n---\n# Source: web/templates/c.yaml\nkind: C\n',
    );
    expect(docs.map((d) => d.source)).toEqual(['web/templates/a.yaml', 'web/templates/c.yaml']);
  });
});

describe("helm lint's deprecated API versions", () => {
  const finding = (message: string) => ({
    check: 'helm lint' as const,
    severity: 'error' as const,
    title: 'helm lint',
    message,
    file: 'c/templates/pdb.yaml',
    line: 1,
  });
  const deprecated = finding(
    'templates/pdb.yaml: policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget',
  );
  const other = finding('templates/pdb.yaml: object name does not conform to Kubernetes naming');
  const pdb = (apiVersion: string) => ({
    doc: { apiVersion, kind: 'PodDisruptionBudget', metadata: { name: 'web' } },
    source: 'c/templates/pdb.yaml',
  });

  it('drops one the template did not render told the served versions, and keeps the rest', () => {
    expect(withoutUnrenderedDeprecations([deprecated, other], [pdb('policy/v1')])).toEqual([other]);
  });

  it('keeps one the template renders all the same, or when there is no rendering to go by', () => {
    expect(withoutUnrenderedDeprecations([deprecated], [pdb('policy/v1beta1')])).toEqual([
      deprecated,
    ]);
    expect(withoutUnrenderedDeprecations([deprecated], [])).toEqual([deprecated]);
    expect(withoutUnrenderedDeprecations([deprecated], undefined)).toEqual([deprecated]);
  });
});

describe('rendered lists', () => {
  it('stands a list for its items, as helm applies them, and anything else for itself', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a-0' } };
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' };
    expect(listItems({ apiVersion: 'v1', kind: 'List', items: [service, ingress] })).toEqual([
      service,
      ingress,
    ]);
    expect(listItems({ apiVersion: 'v1', kind: 'ServiceList', items: [service, null] })).toEqual([
      service,
    ]);
    expect(listItems({ apiVersion: 'v1', kind: 'List', items: null })).toEqual([
      { apiVersion: 'v1', kind: 'List', items: null },
    ]);
    // a custom resource with an items field is not a list
    const custom = { apiVersion: 'x.example.com/v1', kind: 'Menu', items: [service] };
    expect(listItems(custom)).toEqual([custom]);
  });
});

describe('values files with positions', () => {
  it('records the line of every key, nested and in lists', () => {
    const file = parseValuesText(
      'v.yaml',
      'image:\n  tag: "1.0"\ningress:\n  hosts:\n    - host: a.example.com\n',
    );
    expect(file.errors).toEqual([]);
    const at = (p: (string | number)[]) =>
      file.entries.find((e) => e.path.join('.') === p.join('.'));
    expect(at(['image', 'tag'])).toMatchObject({ line: 2, column: 3, value: '1.0' });
    expect(at(['ingress', 'hosts', 0, 'host'])).toMatchObject({ line: 5, value: 'a.example.com' });
  });

  it('reports syntax errors at their line, an unclosed flow sequence where it opens', () => {
    expect(parseValuesText('v.yaml', 'a:\n  b: [1, 2\nc: 3\n').errors[0]).toMatchObject({
      line: 2,
      message: expect.stringContaining('Flow sequence'),
    });
    expect(parseValuesText('v.yaml', 'a: 1\na: 2\n').errors[0]).toMatchObject({
      line: 2,
      message: 'Map keys must be unique',
    });
    expect(parseValuesText('v.yaml', '- 1\n- 2\n').errors[0]!.message).toBe(
      'a values file must be a YAML mapping',
    );
  });

  it('rejects an alias without its anchor, which helm cannot read (unknown anchor)', () => {
    expect(parseValuesText('v.yaml', 'a: &x 1\nb: *y\nc: *x\n').errors).toEqual([
      { line: 2, column: 4, message: 'alias *y has no anchor &y before it' },
    ]);
  });

  it('takes a file whose other documents are empty (a trailing ---), as helm 3 and 4 both do', () => {
    for (const text of ['a: 1\n---\n', '---\na: 1\n', '# top\n---\na: 1\n---\n# end\n---\n']) {
      const file = parseValuesText('v.yaml', text);
      expect(file.errors, text).toEqual([]);
      expect(file.entries.map((e) => [e.path, e.value])).toEqual([[['a'], 1]]);
    }
    expect(parseValuesText('v.yaml', '').errors).toEqual([]);
  });

  it('rejects several documents with values, which helm 4 merges and helm 3 cuts to the first', () => {
    expect(parseValuesText('v.yaml', 'a: 1\n---\n# more\nb: 2\n').errors).toEqual([
      {
        line: 4,
        column: 1,
        message:
          'a values file must hold one YAML document, this one holds 2: helm 4 merges them, helm 3 reads only the first',
      },
    ]);
  });
});

describe('locating findings in values files', () => {
  const chart = mkdtempSync(path.join(tmpdir(), 'locate-'));
  mkdirSync(path.join(chart, 'templates', 'postgresql'), { recursive: true });
  writeFileSync(
    path.join(chart, 'templates', 'deployment.yaml'),
    'kind: Deployment\nspec:\n  replicas: 1\n',
  );
  writeFileSync(
    path.join(chart, 'templates', 'postgresql', 'statefulset.yaml'),
    'kind: StatefulSet\nspec:\n  replicas: 1\n',
  );
  const defaults = parseValuesText(
    path.join(chart, 'values.yaml'),
    'replicaCount: 3\nsecurityContext:\n  readOnlyRootFilesystem: true\npostgresql:\n  securityContext:\n    readOnlyRootFilesystem: true\n',
  );
  const env = parseValuesText(
    '/env/dev.yaml',
    'replicaCount: 1\nsecurityContext:\n  readOnlyRootFilesystem: false\n',
  );
  const locator = new Locator(chart, [defaults, env]);

  it('prefers the key with the offending value, in the file that wins', () => {
    expect(
      locator.valuesHint({ keys: ['readOnlyRootFilesystem'], value: false }, ['deployment', 'api']),
    ).toEqual({ file: '/env/dev.yaml', line: 3, column: 3 });
  });

  it('keeps an object tied to a top-level key (postgresql) under that key, else falls back to the template', () => {
    expect(
      locator.valuesHint({ keys: ['readOnlyRootFilesystem'] }, ['postgresql', 'statefulset']),
    ).toMatchObject({ file: defaults.file, line: 6 });
    expect(
      locator.valuesHint({ keys: ['replicaCount', 'replicas'], value: 1 }, [
        'postgresql',
        'statefulset',
      ]),
    ).toBeUndefined();
    expect(
      locator.templateField('hotswap/templates/postgresql/statefulset.yaml', ['spec', 'replicas']),
    ).toEqual({
      file: path.join(chart, 'templates', 'postgresql', 'statefulset.yaml'),
      line: 3,
    });
  });

  it("takes a top-level key named like a workload kind for the workload's metadata, not a component (cluster-autoscaler's deployment:)", () => {
    const withDeploymentKey = parseValuesText(
      path.join(chart, 'values.yaml'),
      'deployment:\n  annotations: {}\nreplicaCount: 1\n',
    );
    expect(
      new Locator(chart, [withDeploymentKey]).valuesHint({ keys: ['replicaCount'], value: 1 }, [
        'deployment',
        'app',
      ]),
    ).toMatchObject({ line: 3 });
  });

  it('points a value spelled out in a template at that line, not at a values key', () => {
    writeFileSync(
      path.join(chart, 'templates', 'job.yaml'),
      [
        'kind: Job',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: app',
        '          image: "{{ .Values.image.repository }}:latest"',
        '        - name: sidecar',
        "          image: 'busybox:latest'  # hard-coded",
        '',
      ].join('\n'),
    );
    const image = ['spec', 'template', 'spec', 'containers', 1, 'image'];
    const source = 'web/templates/job.yaml';
    expect(locator.templateLiteral(source, image, 'busybox:latest')).toEqual({
      file: path.join(chart, 'templates', 'job.yaml'),
      line: 9,
    });
    // from values (a template action on the line), another value, or an anchor field: not here
    expect(locator.templateLiteral(source, image, 'example/app:latest')).toBeUndefined();
    expect(locator.templateLiteral(source, image, 'busybox')).toBeUndefined();
    expect(locator.templateLiteral(source, ['kind'], 'Job')).toBeUndefined();
    expect(locator.templateLiteral(source, image, undefined)).toBeUndefined();
  });

  it('looks for a field in the document of a template that rendered the object', () => {
    writeFileSync(
      path.join(chart, 'templates', 'tls.yaml'),
      [
        '{{- if .Values.issuer }}',
        'kind: Issuer',
        'spec:',
        '  selfSigned: {}',
        '{{- end }}',
        '---',
        'kind: Certificate',
        'spec:',
        '  secretName: web-tls',
        '---',
        "kind: 'Certificate'",
        'spec:',
        '  secretName: web-ca',
        '',
      ].join('\n'),
    );
    const source = 'web/templates/tls.yaml';
    const file = path.join(chart, 'templates', 'tls.yaml');
    const line = (kind: string, index: number, field: string[]) =>
      locator.templateField(source, field, { kind, index }).line;
    expect(line('Issuer', 0, ['kind'])).toBe(2);
    expect(line('Certificate', 0, ['kind'])).toBe(7);
    expect(line('Certificate', 1, ['kind'])).toBe(11);
    expect(line('Certificate', 1, ['spec', 'secretName'])).toBe(13);
    // more objects of a kind than documents spelling it (a range): the last of them
    expect(line('Certificate', 5, ['spec'])).toBe(12);
    // a kind no document spells out, or no document given: the whole file, as before
    expect(line('Secret', 0, ['spec'])).toBe(3);
    expect(locator.templateField(source, ['spec', 'secretName'])).toEqual({ file, line: 9 });
    expect(
      locator.templateLiteral(source, ['spec', 'secretName'], 'web-ca', {
        kind: 'Certificate',
        index: 1,
      }),
    ).toEqual({ file, line: 13 });
    expect(
      locator.templateLiteral(source, ['spec', 'secretName'], 'web-ca', {
        kind: 'Certificate',
        index: 0,
      }),
    ).toBeUndefined();
  });

  it('finds exact values keys, the highest precedence first', () => {
    expect(locator.valuesKey(['replicaCount'])).toEqual({
      file: '/env/dev.yaml',
      line: 1,
      column: 1,
    });
    expect(locator.valuesKey(['postgresql', 'securityContext', 'runAsUser'])).toMatchObject({
      file: defaults.file,
      line: 5,
    });
  });
});

describe('locating a map-valued setting', () => {
  it('passes over a key of the same name that holds a list (kube-state-metrics, ci/02)', () => {
    const chart = mkdtempSync(path.join(tmpdir(), 'locate-map-'));
    const defaults = parseValuesText(
      path.join(chart, 'values.yaml'),
      'image:\n  tag: v2\nresources: {}\n',
    );
    const ci = parseValuesText(
      path.join(chart, 'ci', '02-values.yaml'),
      'customResourceState:\n  config:\n    spec:\n      resources:\n        - groupVersionKind: {kind: X}\n',
    );
    const locator = new Locator(chart, [defaults, ci]);
    expect(locator.valuesHint({ keys: ['resources'], map: true }, [])).toEqual({
      file: defaults.file,
      line: 3,
      column: 1,
    });
    // without the shape, the file with the higher precedence wins, as for other keys
    expect(locator.valuesHint({ keys: ['resources'] }, [])?.file).toBe(ci.file);
  });
});

describe('locating findings of a chart with several components', () => {
  // cert-manager and ingress-nginx: one top-level values key per component,
  // templates named `<component>-<kind>.yaml` and `<folder>/job-<name>.yaml`.
  const chart = mkdtempSync(path.join(tmpdir(), 'locate-components-'));
  for (const folder of [
    'admission-webhooks',
    'argocd-server',
    'argocd-repo-server',
    'prometheus-operator/admission-webhooks',
  ])
    mkdirSync(path.join(chart, 'templates', folder), { recursive: true });
  for (const t of [
    'deployment.yaml',
    'cainjector-deployment.yaml',
    'webhook-deployment.yaml',
    'default-backend-deployment.yaml',
    'admission-webhooks/job-createSecret.yaml',
    'admission-webhooks/job-patchWebhook.yaml',
    'argocd-server/deployment.yaml',
    'argocd-repo-server/deployment.yaml',
    'prometheus-operator/deployment.yaml',
    'prometheus-operator/admission-webhooks/deployment.yaml',
    'k8s-resources.yaml',
  ])
    writeFileSync(path.join(chart, 'templates', t), 'kind: Deployment\n');
  const values = parseValuesText(
    path.join(chart, 'values.yaml'),
    [
      'resources: {}', // 1: the controller's
      'webhook:',
      '  resources: {}', // 3
      '  readinessProbe: {}', // 4
      'cainjector:',
      '  resources: {}', // 6
      'defaultBackend:',
      '  resources: {}', // 8
      'controller:',
      '  admissionWebhooks:',
      '    createSecretJob:',
      '      resources: {}', // 12
      '    patchWebhookJob:',
      '      resources: {}', // 14
      'server:',
      '  replicas: 1', // 16
      'repoServer:',
      '  replicas: 1', // 18
      'prometheusOperator:',
      '  admissionWebhooks:',
      '    deployment:',
      '      resources: {}', // 22
      '  resources: {}', // 23
      '',
    ].join('\n'),
  );
  const locator = new Locator(chart, [values]);
  // the words a violation carries: its template's path words (and their runs), then the container name
  const line = (hint: string, [container, ...template]: string[]) =>
    locator.valuesHint({ keys: [hint] }, [...template.flatMap(templateNameWords), container!])
      ?.line;

  it("keeps a component's object under its own key, named by its template", () => {
    expect(line('resources', ['cert-manager-cainjector', 'cainjector-deployment'])).toBe(6);
    expect(line('resources', ['cert-manager-webhook', 'webhook-deployment'])).toBe(3);
    expect(line('resources', ['cert-manager-controller', 'deployment'])).toBe(1);
    // no readinessProbe key of its own: the template, not the webhook's key
    expect(line('readinessProbe', ['cert-manager-cainjector', 'cainjector-deployment'])).toBe(
      undefined,
    );
  });

  it('ties a camelCase key to the template folder and name that spell it', () => {
    expect(line('resources', ['create', 'admission-webhooks', 'job-createSecret'])).toBe(12);
    expect(line('resources', ['patch', 'admission-webhooks', 'job-patchWebhook'])).toBe(14);
    // kube-prometheus-stack: prometheus-operator/deployment.yaml is not the admission webhook's
    // deployment, though a template is named resources (k8s-resources.yaml)
    expect(line('resources', ['operator', 'prometheus-operator', 'deployment'])).toBe(23);
    // argo-cd: the longest name a folder spells is the component, repoServer rather than server
    expect(line('replicas', ['repo-server', 'argocd-repo-server', 'deployment'])).toBe(18);
    expect(line('replicas', ['server', 'argocd-server', 'deployment'])).toBe(16);
  });
});

describe('locating findings of a pod with several containers', () => {
  // grafana: the main container, an init container and a sidecar, each with keys of its own
  const chart = mkdtempSync(path.join(tmpdir(), 'locate-pod-'));
  mkdirSync(path.join(chart, 'templates'));
  writeFileSync(path.join(chart, 'templates', 'deployment.yaml'), 'kind: Deployment\n');
  const values = parseValuesText(
    path.join(chart, 'values.yaml'),
    [
      'readinessProbe:', // 1: the main container's
      '  httpGet: {path: /api/health, port: 3000}',
      'containerSecurityContext:', // 3
      '  allowPrivilegeEscalation: false',
      'initChownData:',
      '  securityContext:',
      '    readOnlyRootFilesystem: false', // 7
      'sidecar:',
      '  readinessProbe: {}', // 9
      '  resources: {}', // 10
      '',
    ].join('\n'),
  );
  const env = parseValuesText(
    '/env/prod.yaml',
    'resources:\n  requests: {cpu: 100m, memory: 128Mi}\n',
  );
  const locator = new Locator(chart, [values, env]);
  const levels = levelsFor(parsePolicy('policy', ''), 'dev');
  const deployment = (containers: object[], initContainers: object[] = []) => ({
    doc: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'grafana' },
      spec: { replicas: 3, template: { spec: { initContainers, containers } } },
    },
    source: 'grafana/templates/deployment.yaml',
    kindIndex: 0,
  });
  const grafana = {
    name: 'grafana',
    image: 'grafana/grafana:12.0.0',
    readinessProbe: { httpGet: { path: '/api/health', port: 3000 } },
    securityContext: { allowPrivilegeEscalation: false },
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
  };
  const initChownData = {
    name: 'init-chown-data',
    image: 'busybox:1.37',
    securityContext: { readOnlyRootFilesystem: false },
  };
  const sidecar = { name: 'grafana-sc-dashboard', image: 'kiwigrid/k8s-sidecar:2.1.0' };
  const at = (objects: ReturnType<typeof deployment>[], rule: string, container: string) =>
    policyStage(objects, levels, locator, new Set())
      .filter((f) => f.title === `policy/${rule}` && f.message.includes(`"${container}"`))
      .map((f) => `${path.basename(f.file)}:${f.line}`);

  it("passes over a key under another container's name, and a value the container does not have", () => {
    // initChownData.securityContext is the init container's: the main one's is containerSecurityContext
    expect(
      at([deployment([grafana], [initChownData])], 'read-only-root-filesystem', 'grafana'),
    ).toEqual(['values.yaml:3']);
    expect(
      at([deployment([grafana], [initChownData])], 'read-only-root-filesystem', 'init-chown-data'),
    ).toEqual(['values.yaml:7']);
    // without the init container rendered, its `false` is still not what the main container has
    expect(at([deployment([grafana])], 'read-only-root-filesystem', 'grafana')).toEqual([
      'values.yaml:3',
    ]);
  });

  it("goes by the nearest container name in a key's path (an umbrella's redis.metrics is the metrics sidecar's)", () => {
    const umbrella = parseValuesText(
      path.join(chart, 'values.yaml'),
      'redis:\n  resources: {}\n  metrics:\n    resources: {}\n',
    );
    const hint = (own: string, other: string) =>
      new Locator(chart, [umbrella]).valuesHint(
        { keys: ['resources'], map: true, containers: { own, others: [other] } },
        [own],
      )?.line;
    expect(hint('metrics', 'redis')).toBe(4);
    expect(hint('redis', 'metrics')).toBe(2);
  });

  it('passes over a map that sets what the container lacks: another container rendered it', () => {
    // the sidecar has no resources and no probes: not the main container's keys, which set them
    expect(at([deployment([grafana, sidecar])], 'resources', 'grafana-sc-dashboard')).toEqual([
      'values.yaml:10',
    ]);
    expect(at([deployment([grafana, sidecar])], 'probes', 'grafana-sc-dashboard')).toContain(
      'values.yaml:9',
    );
  });
});

describe("locating findings of a container by its template block's values keys", () => {
  // grafana: the sidecars are written by the _pod.tpl helper and read sidecar.*;
  // argo-cd: redis's metrics container reads redis.exporter.*, its copyutil init
  // container `default .Values.dex.resources .Values.dex.initImage.resources`
  const chart = mkdtempSync(path.join(tmpdir(), 'locate-blocks-'));
  mkdirSync(path.join(chart, 'templates'));
  const template = (name: string, lines: string[]) =>
    writeFileSync(path.join(chart, 'templates', name), `${lines.join('\n')}\n`);
  template('deployment.yaml', [
    'kind: Deployment',
    'spec:',
    '  template:',
    '    spec:',
    '      {{- include "grafana.pod" . | nindent 6 }}',
  ]);
  template('_pod.tpl', [
    '{{- define "grafana.pod" -}}',
    'containers:',
    '{{- if .Values.sidecar.dashboards.enabled }}',
    '  - name: {{ include "grafana.name" . }}-sc-dashboard', // 4
    '    image: "{{ .Values.sidecar.image.repository }}:{{ .Values.sidecar.image.tag }}"',
    '    {{- with .Values.sidecar.livenessProbe }}',
    '    livenessProbe:',
    '      {{- toYaml . | nindent 6 }}',
    '    {{- end }}',
    '    {{- with .Values.sidecar.resources }}',
    '    resources:',
    '      {{- toYaml . | nindent 6 }}',
    '    {{- end }}',
    '{{- end }}',
    '  - name: grafana',
    '    image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
    '    securityContext:',
    '      {{- toYaml .Values.securityContext | nindent 6 }}',
    '    {{- with .Values.resources }}',
    '    resources:',
    '      {{- toYaml . | nindent 6 }}',
    '    {{- end }}',
    '{{- end }}',
  ]);
  template('redis-deployment.yaml', [
    'kind: Deployment',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: {{ .Values.redis.name }}',
    '        image: {{ .Values.redis.image.repository }}:{{ .Values.redis.image.tag }}',
    '        {{- if .Values.redis.livenessProbe.enabled }}',
    '        livenessProbe:',
    '          tcpSocket: {port: redis}',
    '        {{- end }}',
    '        resources:', // 12
    '          {{- toYaml .Values.redis.resources | nindent 10 }}',
    '      {{- if .Values.redis.exporter.enabled }}',
    '      - name: metrics', // 15
    '        image: {{ .Values.redis.exporter.image.repository }}:{{ .Values.redis.exporter.image.tag }}',
    '        {{- if .Values.redis.exporter.livenessProbe.enabled }}',
    '        livenessProbe:',
    '          httpGet: {path: /metrics, port: metrics}',
    '        {{- end }}',
    '        resources:',
    '          {{- toYaml .Values.redis.exporter.resources | nindent 10 }}',
    '      {{- end }}',
    '      - name: proxy', // 24
    '        image: envoyproxy/envoy:v1.36.0',
    '      - name: core', // 26: harbor's, whose core.resources values.yaml leaves commented out
    '        image: {{ .Values.core.image.repository }}:{{ .Values.core.image.tag }}',
    '{{- if .Values.core.resources }}',
    '        resources:', // 29
    '{{ toYaml .Values.core.resources | indent 10 }}',
    '{{- end }}',
    '      initContainers:',
    '      - command: [/bin/cp, -n, /usr/local/bin/argocd, /shared/argocd-dex]',
    '        name: copyutil',
    '        image: {{ .Values.global.image.repository }}',
    '        resources:',
    '          {{- toYaml (default .Values.redis.resources .Values.redis.initImage.resources) | nindent 10 }}',
  ]);
  template('kube-state-metrics.yaml', [
    'kind: Deployment',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: {{ template "kube-state-metrics.name" . }}',
    '        image: {{ include "kube-state-metrics.image" . }}',
    '        resources:',
    '{{ toYaml .Values.resources | indent 10 }}',
    '      {{- if .Values.kubeRBACProxy.enabled }}',
    '      - name: kube-rbac-proxy-http',
    '        image: {{ include "kubeRBACProxy.image" . }}',
    '        {{- if .Values.kubeRBACProxy.resources }}',
    '        resources:',
    '{{ toYaml .Values.kubeRBACProxy.resources | indent 10 }}',
    '        {{- end }}',
    '      {{- end }}',
  ]);
  const values = parseValuesText(
    path.join(chart, 'values.yaml'),
    [
      'resources: {}', // 1: grafana's own
      'sidecar:',
      '  livenessProbe: {}', // 3
      '  resources: {}', // 4
      '  dashboards:',
      '    enabled: true',
      'redis:',
      '  name: redis',
      '  livenessProbe:',
      '    enabled: false', // 10
      '  resources: {}', // 11
      '  initImage:',
      '    resources: {}', // 13
      '  exporter:',
      '    enabled: true',
      '    livenessProbe:',
      '      enabled: false', // 17
      '    resources: {}', // 18
      'securityContext:',
      '  runAsNonRoot: false', // 20
      'kubeRBACProxy:',
      '  enabled: false',
      '  resources: {}', // 23
      '',
    ].join('\n'),
  );
  const locator = new Locator(chart, [values]);
  const levels = levelsFor(parsePolicy('policy', ''), 'dev');
  const pod = (source: string, containers: object[], initContainers: object[] = []) => ({
    doc: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'release' },
      spec: { replicas: 3, template: { spec: { containers, initContainers } } },
    },
    source,
    kindIndex: 0,
  });
  const grafana = pod('grafana/templates/deployment.yaml', [
    { name: 'grafana-sc-dashboard', image: 'kiwigrid/k8s-sidecar:2.1.0' },
    {
      name: 'grafana',
      image: 'grafana/grafana:12.0.0',
      securityContext: { runAsNonRoot: false },
    },
  ]);
  const redis = pod(
    'argo-cd/templates/redis-deployment.yaml',
    [
      { name: 'redis', image: 'redis:8.2' },
      { name: 'metrics', image: 'oliver006/redis_exporter:v1.80.0' },
      { name: 'proxy', image: 'envoyproxy/envoy:v1.36.0' },
      { name: 'core', image: 'goharbor/harbor-core:v2.14.0' },
    ],
    [{ name: 'copyutil', image: 'argocd:v3.2.0' }],
  );
  const at = (object: ReturnType<typeof pod>, rule: string, container: string) =>
    policyStage([object], levels, locator, new Set())
      .filter((f) => f.title === `policy/${rule}` && f.message.includes(`"${container}"`))
      .map((f) => `${path.basename(f.file)}:${f.line}`);

  it("takes the key a helper's block reads for the container it writes (grafana's sidecars)", () => {
    expect(at(grafana, 'resources', 'grafana-sc-dashboard')).toEqual(['values.yaml:4']);
    expect(at(grafana, 'probes', 'grafana-sc-dashboard')[0]).toBe('values.yaml:3');
    expect(at(grafana, 'resources', 'grafana')).toEqual(['values.yaml:1']);
    // a block that reads a map whole reads its keys: the one with the offending value
    expect(at(grafana, 'run-as-non-root', 'grafana')).toEqual(['values.yaml:20']);
  });

  it("takes the key its block reads over one under another container's name (argo-cd's redis exporter)", () => {
    expect(at(redis, 'resources', 'metrics')).toEqual(['values.yaml:18']);
    expect(at(redis, 'probes', 'metrics')[0]).toBe('values.yaml:17');
    expect(at(redis, 'resources', 'redis')).toEqual(['values.yaml:11']);
  });

  it("passes over a key only another container's block reads, though its name shares a word (kube-state-metrics)", () => {
    const ksm = pod('kube-state-metrics/templates/kube-state-metrics.yaml', [
      { name: 'kube-state-metrics', image: 'kube-state-metrics:v2.17.0' },
    ]);
    expect(at(ksm, 'resources', 'kube-state-metrics')).toEqual(['values.yaml:1']);
  });

  it('takes the specific key of a block that falls back to a default', () => {
    expect(at(redis, 'resources', 'copyutil')).toEqual(['values.yaml:13']);
  });

  it("points a container without a values key at its block in the template, not another container's field", () => {
    expect(at(redis, 'resources', 'proxy')).toEqual(['redis-deployment.yaml:24']);
    // the block writes the field, from a key no values file sets: at that line
    expect(at(redis, 'resources', 'core')).toEqual(['redis-deployment.yaml:29']);
  });
});

describe('policy map', () => {
  it('defaults production to errors and everything else to warnings', () => {
    const config = parsePolicy('policy', '');
    expect(levelsFor(config, 'production').replicas).toBe('error');
    expect(levelsFor(config, 'dev').replicas).toBe('warning');
  });

  it('merges entries over the defaults, per rule', () => {
    const config = parsePolicy(
      'policy',
      'staging:\n  default: warning\n  image-tag: error\ndev: off\n',
    );
    expect(levelsFor(config, 'staging')['image-tag']).toBe('error');
    expect(levelsFor(config, 'staging').probes).toBe('warning');
    expect(levelsFor(config, 'dev').probes).toBe('off');
    expect(levelsFor(config, 'production').probes).toBe('error');
  });

  it('names the input and the problem', () => {
    expect(() => parsePolicy('policy', 'production: fatal')).toThrow(
      /Invalid input 'policy'.*'production' to be one of error, warning, off/,
    );
    expect(() => parsePolicy('policy', 'dev:\n  no-such-rule: error')).toThrow(
      /rule names under 'dev'.*got 'no-such-rule'/,
    );
    expect(() => parsePolicy('policy', '[a')).toThrow(/Invalid input 'policy'.*Expected YAML/);
  });
});

describe('Locator: templates of a subchart packaged as an archive', () => {
  // charts/*.tgz holds the templates; in the repository the subchart is its dependency's entry.
  const chart = mkdtempSync(path.join(tmpdir(), 'locate-archive-'));
  writeFileSync(
    path.join(chart, 'Chart.yaml'),
    [
      'apiVersion: v2',
      'name: app',
      'version: 1.0.0',
      'dependencies:',
      '  - name: postgresql',
      '    version: 15.0.0',
      '    alias: primary',
      '  - name: cache',
      '    version: 1.0.0',
      '',
    ].join('\n'),
  );
  const locator = new Locator(chart, []);
  const chartYaml = path.join(chart, 'Chart.yaml');

  it("points at the dependency's alias, else its name, in Chart.yaml", () => {
    expect(
      locator.templateField('app/charts/primary/templates/statefulset.yaml', ['spec', 'replicas']),
    ).toEqual({ file: chartYaml, line: 7 });
    expect(
      locator.place({ kind: 'template', source: 'app/charts/cache/templates/x.yaml' }),
    ).toEqual({ file: chartYaml, line: 8 });
  });

  it("points a container's finding at the keys under the subchart's name, never at the parent's own (metallb's frr-k8s)", () => {
    const values = parseValuesText(
      path.join(chart, 'values.yaml'),
      [
        'controller:', // the parent's own component of the same name
        '  securityContext:',
        '    runAsNonRoot: true',
        '  resources: {}', // 4
        'cache:',
        '  frrk8s:',
        '    resources:', // 7
        '      requests:',
        '        cpu: 10m',
        '',
      ].join('\n'),
    );
    const daemonSet = (name: string) => ({
      doc: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'app-cache' },
        spec: {
          template: {
            spec: {
              containers: [
                { name, image: 'frr-k8s:v0.0.25', resources: { requests: { cpu: '10m' } } },
              ],
            },
          },
        },
      },
      source: 'app/charts/cache/templates/controller.yaml',
      kindIndex: 0,
    });
    const at = (rule: string, container: string) =>
      policyStage(
        [daemonSet(container)],
        levelsFor(parsePolicy('policy', ''), 'dev'),
        new Locator(chart, [values]),
        new Set(),
      )
        .filter((f) => f.title === `policy/${rule}`)
        .map((f) => `${path.basename(f.file)}:${f.line}`);
    // set under the subchart's name in the parent: there
    expect(at('resources', 'controller')).toEqual(['values.yaml:7']);
    // set nowhere the repository holds: the dependency's entry, not the parent's controller
    expect(at('run-as-non-root', 'controller')).toEqual(['Chart.yaml:8']);
    expect(at('read-only-root-filesystem', 'controller')).toEqual(['Chart.yaml:8']);
  });

  it("points at Chart.yaml's first line for a template of no dependency", () => {
    expect(locator.templateField('app/templates/gone.yaml', ['spec'])).toEqual({
      file: chartYaml,
      line: 1,
    });
    expect(
      locator.place({ kind: 'template', source: 'app/charts/other/templates/x.yaml' }),
    ).toEqual({ file: chartYaml, line: 1 });
  });
});

describe('Locator: a container that sets runAsNonRoot nowhere (velero)', () => {
  const chart = mkdtempSync(path.join(tmpdir(), 'locate-non-root-'));
  mkdirSync(path.join(chart, 'templates'));
  writeFileSync(
    path.join(chart, 'templates', 'deployment.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:', // 3
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: velero',
      '          image: velero/velero:v1.17.0',
      '          {{- with .Values.containerSecurityContext }}',
      '          securityContext:',
      '            {{- toYaml . | nindent 12 }}',
      '          {{- end }}',
      '      {{- with .Values.podSecurityContext }}',
      '      securityContext:',
      '        {{- toYaml . | nindent 8 }}',
      '      {{- end }}',
      '',
    ].join('\n'),
  );
  const values = parseValuesText(
    path.join(chart, 'values.yaml'),
    ['podSecurityContext: {}', 'containerSecurityContext: {}', ''].join('\n'),
  );
  const object = {
    doc: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'velero' },
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: 'velero', image: 'velero/velero:v1.17.0' }] } },
      },
    },
    source: 'velero/templates/deployment.yaml',
    kindIndex: 0,
  };

  it("points a field its block writes from a map under another name at that map's key (upgradeJobResources)", () => {
    writeFileSync(
      path.join(chart, 'templates', 'upgrade-crds.yaml'),
      [
        'apiVersion: batch/v1',
        'kind: Job',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: velero',
        '          image: velero/velero:v1.17.0',
        '          {{- with .Values.upgradeJobResources }}',
        '          resources:',
        '            {{- toYaml . | nindent 12 }}',
        '          {{- end }}',
        '',
      ].join('\n'),
    );
    const job = {
      doc: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'velero-upgrade-crds' },
        spec: {
          template: { spec: { containers: [{ name: 'velero', image: 'velero/velero:v1.17.0' }] } },
        },
      },
      source: 'velero/templates/upgrade-crds.yaml',
      kindIndex: 0,
    };
    const withKey = parseValuesText(
      path.join(chart, 'values.yaml'),
      [
        'podSecurityContext: {}',
        'containerSecurityContext: {}',
        'upgradeJobResources: {}',
        '',
      ].join('\n'),
    );
    const resources = (files: ReturnType<typeof parseValuesText>[]) =>
      policyStage(
        [job],
        levelsFor(parsePolicy('policy', ''), 'dev'),
        new Locator(chart, files),
        new Set(),
      )
        .filter((f) => f.title === 'policy/resources')
        .map((f) => `${path.basename(f.file)}:${f.line}`);
    expect(resources([withKey])).toEqual(['values.yaml:3']);
    // no values file sets it: the block's `resources:` line
    expect(resources([values])).toEqual(['upgrade-crds.yaml:10']);
  });

  it("points at the values key of the container's securityContext, not the template's first spec:", () => {
    const [finding] = policyStage(
      [object],
      levelsFor(parsePolicy('policy', ''), 'dev'),
      new Locator(chart, [values]),
      new Set(),
    ).filter((f) => f.title === 'policy/run-as-non-root');
    expect(`${path.basename(finding!.file)}:${finding!.line}`).toBe('values.yaml:2');
  });
});
