// Where the schema stage points an issue of a rendered object (real
// Kubernetes 1.36 schema): the template line or the values key a user
// changes to fix it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Locator } from '../../../src/lint/locate.js';
import { createValidator, type KubernetesValidator } from '../../../src/lint/schema.js';
import { schemaStage } from '../../../src/lint/stages/schema.js';
import { parseValuesText } from '../../../src/lint/values-files.js';
import { REPO_ROOT } from '../../support/run-action.js';

const SCHEMAS = path.join(REPO_ROOT, 'actions/lint/schemas');

describe('schema stage: where an issue points', () => {
  const chart = mkdtempSync(path.join(tmpdir(), 'schema-stage-'));
  mkdirSync(path.join(chart, 'templates'));
  // velero's BackupStorageLocation: `provider: {{ .provider }}` renders null for `provider: ""`
  writeFileSync(
    path.join(chart, 'templates', 'deployment.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  selector: {{ .Values.selector }}', // 6
      '  template:',
      '    metadata:',
      '      name: web',
      '    spec:',
      '      containers:',
      '        {{- if .Values.image }}',
      '        - image: {{ .Values.image }}',
      '          name: {{ .Values.containerName }}', // 14
      '        {{- end }}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(chart, 'templates', 'worker.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: worker',
      'spec: {{- toYaml .Values.worker.spec | nindent 2 }}', // 5
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(chart, 'templates', 'api.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      'spec:',
      '  replicas: {{ .Values.replicaCount }}', // 6
      '  minReadySeconds: {{ .Values.ready.seconds | quote }}', // 7
      '',
    ].join('\n'),
  );
  const values = parseValuesText(
    path.join(chart, 'values.yaml'),
    [
      'prometheusRule:',
      '  spec: []', // 2: a list of rules, not a Deployment's spec
      'worker:',
      '  spec:', // 4
      '    template: {}',
      'selector: ""',
      'containerName: ""',
      'replicaCount: three', // 8
      'ready:',
      '  seconds: 10',
      '',
    ].join('\n'),
  );
  const locator = new Locator(chart, [values]);
  let validator: KubernetesValidator;
  beforeAll(() => {
    validator = createValidator({ schemaDir: SCHEMAS, minor: '1.36', strict: true });
  });
  const findings = (source: string, spec: Record<string, unknown>) =>
    schemaStage(
      validator,
      [
        {
          doc: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec },
          source,
          kindIndex: 0,
        },
      ],
      locator,
      { minor: '1.36', version: '1.36.3', data: undefined as never },
    ).findings.map((f) => `${path.basename(f.file)}:${f.line} ${f.message}`);

  it('points a required field rendered empty at the template line that writes it', () => {
    const template = { metadata: { labels: { app: 'web' } } };
    expect(
      findings('app/templates/deployment.yaml', {
        selector: null,
        template: { ...template, spec: { containers: [{ image: 'web:1', name: null }] } },
      }),
    ).toEqual([
      'deployment.yaml:6 Deployment/x spec: missing required field "selector"',
      // the container's `name:` line, not the pod template's metadata.name above it
      'deployment.yaml:14 Deployment/x spec.template.spec.containers.0: missing required field "name"',
    ]);
  });

  it('points a value of the wrong type at the values key its template line renders, when that key holds it', () => {
    const spec = (over: Record<string, unknown>) => ({
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'api:1' }] },
      },
      ...over,
    });
    expect(findings('app/templates/api.yaml', spec({ replicas: 'three' }))).toEqual([
      'values.yaml:8 Deployment/x spec.replicas: must be an integer',
    ]);
    // `| quote` renders "10" from 10: the template line is what makes it a string
    expect(findings('app/templates/api.yaml', spec({ minReadySeconds: '10' }))).toEqual([
      'api.yaml:7 Deployment/x spec.minReadySeconds: must be an integer',
    ]);
  });

  it('points a map the template writes whole at the values key holding a map, not a list of that name', () => {
    expect(
      findings('app/templates/worker.yaml', {
        template: { metadata: {}, spec: { containers: [] } },
      }),
    ).toEqual(['values.yaml:4 Deployment/x spec: missing required field "selector"']);
  });
});
