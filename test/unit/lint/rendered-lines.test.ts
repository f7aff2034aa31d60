import { describe, expect, it } from 'vitest';
import { renderedSource, templateLineOf, yamlErrorLine } from '../../../src/lint/rendered-lines.js';

describe('the template line of a rendered YAML error', () => {
  const template = [
    '{{- if .Values.enabled }}', // 1
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ include "app.fullname" . }}', // 5
    '  labels:',
    '    {{- include "app.labels" . | nindent 4 }}',
    'data:',
    '  one: "1"', // 9
    '  two: {{ .Values.two | toYaml }}', // 10
    '{{- end }}',
  ].join('\n');

  it('reads the line helm names', () => {
    expect(
      yamlErrorLine(
        'YAML parse error on app/templates/cm.yaml: error converting YAML to JSON: yaml: line 8: mapping values are not allowed in this context',
      ),
    ).toBe(8);
    expect(yamlErrorLine('template: app/templates/cm.yaml:3:4: executing')).toBeUndefined();
  });

  it('follows the rendered lines through vanished actions and expanded includes', () => {
    const rendered = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: app',
      '  labels:',
      '    app.kubernetes.io/name: app',
      '    helm.sh/chart: app-1.0.0',
      'data:',
      '  one: "1"',
      '  two: a: b', // yaml line 10
    ].join('\n');
    expect(templateLineOf(template, rendered, 10)).toBe(10);
    // a line an include wrote: the template line before it
    expect(templateLineOf(template, rendered, 7)).toBe(6);
  });

  it('counts from the start of the document that fails, as helm does', () => {
    const rendered = [
      '',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: app}',
      '---',
      '',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: app',
      '  labels: {}',
      'data:',
      '  one: "1"',
      '  two: a: b', // yaml line 8 of the second document
    ].join('\n');
    const withService = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: {{ .Release.Name }}}',
      '---',
      ...template.split('\n'),
    ].join('\n');
    expect(templateLineOf(withService, rendered, 8)).toBe(14);
  });

  it("takes one template's text from helm template --debug output", () => {
    const output = [
      '---',
      '# Source: app/templates/a.yaml',
      'kind: A',
      '---',
      'kind: A2',
      '---',
      '# Source: app/templates/b.yaml',
      'kind: B',
      '',
    ].join('\n');
    expect(renderedSource(output, 'app/templates/a.yaml')).toBe('kind: A\n---\nkind: A2');
    expect(renderedSource(output, 'app/templates/b.yaml')).toBe('kind: B\n');
    expect(renderedSource(output, 'app/templates/c.yaml')).toBeUndefined();
  });
});
