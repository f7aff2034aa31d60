import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChartValues, type ChartValues } from '../../../src/lint/chart-values.js';
import { levelsFor, parsePolicy } from '../../../src/lint/policy-config.js';
import { misspeltKeyStage } from '../../../src/lint/stages/values.js';
import {
  KeyMentions,
  editDistance,
  misspeltKeys,
  typoDistance,
} from '../../../src/lint/values-keys.js';
import { parseValuesText } from '../../../src/lint/values-files.js';

function writeFiles(dir: string, files: Record<string, string | Buffer>): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function chartDir(files: Record<string, string | Buffer>): string {
  return writeFiles(mkdtempSync(path.join(tmpdir(), 'values-keys-')), files);
}

/** A chart archive as `helm package` writes it: the files under one top folder, gzipped tar. */
function archive(top: string, files: Record<string, string>): Buffer {
  const dir = chartDir(
    Object.fromEntries(Object.entries(files).map(([n, t]) => [`${top}/${n}`, t])),
  );
  return execFileSync('tar', ['-czf', '-', '-C', dir, top]);
}

function chartOf(files: Record<string, string | Buffer>): ChartValues {
  const chart = readChartValues(chartDir(files));
  if (!chart) throw new Error('chart did not read');
  return chart;
}

/** `path: suggestion @line` for each misspelt key of a values text. */
function judged(chart: ChartValues, text: string): string[] {
  return misspeltKeys(
    parseValuesText('values.yaml', text),
    chart,
    new KeyMentions(chart.texts),
  ).map(
    ({ entry, suggestion }) => `${entry.path.join('.')}: ${suggestion.join('.')} @${entry.line}`,
  );
}

const SHOP = {
  'Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
  'values.yaml': [
    'replicaCount: 1',
    'persistence:',
    '  enabled: false',
    '  size: 8Gi',
    'podAnnotations: {}',
    'env:',
    '  LOG_LEVEL: info',
    'securityContext:',
    '  runAsUser: 1000',
    'ingress:',
    '  hosts:',
    '    - host: a.example.com',
    '      path: /',
    '',
  ].join('\n'),
  'templates/cm.yaml': [
    'data:',
    '  replicas: {{ .Values.replicaCount }}',
    '  {{- with .Values.persistence }}',
    '  size: {{ .size }}{{ .enabled }}',
    '  {{- end }}',
    '  timeout: {{ .Values.timeoutSeconds }}',
    '  name: {{ .Release.Name }}',
    '  {{- range .Values.ingress.hosts }}{{ .host }}{{ .path }}{{ end }}',
    '  env: {{ toYaml .Values.env }}',
    '  security: {{ toYaml .Values.securityContext }}',
    '',
  ].join('\n'),
};

describe('edit distance', () => {
  it('counts a swap of two neighbours as one edit', () => {
    expect(editDistance('enabled', 'enabeld')).toBe(1);
    expect(editDistance('persistence', 'persistance')).toBe(1);
    expect(editDistance('size', 'sizee')).toBe(1);
    expect(editDistance('port', 'host')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('takes a change of case as a slip, one edit for short keys and two from six letters on', () => {
    expect(typoDistance('replicacount', 'replicaCount')).toBe(0);
    expect(typoDistance('sizee', 'size')).toBe(1);
    expect(typoDistance('port', 'host')).toBeUndefined();
    expect(typoDistance('storageClas', 'storageClass')).toBe(1);
    expect(typoDistance('strageClas', 'storageClass')).toBe(2);
    expect(typoDistance('strgeClas', 'storageClass')).toBeUndefined();
  });

  it('tells apart keys that differ only in digits, and keys of two letters', () => {
    expect(typoDistance('node1', 'node2')).toBeUndefined();
    expect(typoDistance('id', 'ip')).toBeUndefined();
    expect(typoDistance('size', 'size')).toBeUndefined();
  });
});

describe('misspelt values keys', () => {
  const shop = chartOf(SHOP);

  it("reports a key a small edit from a sibling the templates read, at the key's line", () => {
    expect(judged(shop, 'persistence:\n  enabled: true\n  sizee: 20Gi\nreplicacount: 3\n')).toEqual(
      ['persistence.sizee: persistence.size @3', 'replicacount: replicaCount @4'],
    );
  });

  it('reports a misspelt parent once, not the keys under it', () => {
    expect(judged(shop, 'persistance:\n  enabled: true\n  sizee: 20Gi\n')).toEqual([
      'persistance: persistence @1',
    ]);
  });

  it('leaves free-form maps alone: empty in values.yaml, or read by no template key by key', () => {
    const text = [
      'podAnnotations:',
      '  prometheus.io/scrape: "true"',
      '  prometheus.io/scrap: "true"',
      'env:',
      '  LOG_LEVLE: debug',
      'securityContext:',
      '  runAsUsr: 1000',
      '',
    ].join('\n');
    expect(judged(shop, text)).toEqual([]);
  });

  it('takes an option the templates read but values.yaml leaves out as known, and as a sibling', () => {
    expect(judged(shop, 'timeoutSeconds: 30\n')).toEqual([]);
    expect(judged(shop, 'timeoutSecond: 30\n')).toEqual(['timeoutSecond: timeoutSeconds @1']);
  });

  it('does not report a key a template mentions', () => {
    const chart = chartOf({
      ...SHOP,
      'templates/extra.yaml': '{{ if hasKey .Values.persistence "sizes" }}{{ end }}',
    });
    expect(judged(chart, 'persistence:\n  sizes: [1Gi]\n')).toEqual([]);
  });

  it("judges a list item's keys by the keys of the chart's items", () => {
    const text = 'ingress:\n  hosts:\n    - host: b.example.com\n    - hots: c.example.com\n';
    expect(judged(shop, text)).toEqual(['ingress.hosts.1.hots: ingress.hosts.1.host @4']);
  });

  it('knows subchart values under their alias, archived subcharts and every global', () => {
    const chart = chartOf({
      'Chart.yaml': [
        'apiVersion: v2',
        'name: shop',
        'version: 0.1.0',
        'dependencies:',
        '  - name: cache',
        '    alias: sessions',
        '  - name: queue',
        '  - name: search',
        '',
      ].join('\n'),
      // what the chart sets for `search`, whose own values are not in charts/
      'values.yaml': 'sessions:\n  enabled: true\nsearch:\n  replicas: 1\n',
      'templates/cm.yaml': '{{ .Values.search.replicas }}',
      'charts/cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 0.1.0\n',
      'charts/cache/values.yaml': 'memory: 64Mi\nglobal:\n  cacheRegion: eu\n',
      'charts/cache/templates/cm.yaml': '{{ .Values.memory }}{{ .Values.global.cacheRegion }}',
      'charts/queue-1.0.0.tgz': archive('queue', {
        'Chart.yaml': 'apiVersion: v2\nname: queue\nversion: 1.0.0\n',
        'values.yaml': 'retention: 1h\n',
        'templates/cm.yaml': '{{ .Values.retention }}',
      }),
    });
    const text = [
      'sessions:',
      '  memroy: 128Mi',
      '  memory: 128Mi',
      'cache:',
      '  memroy: 1Gi',
      'queue:',
      '  retentoin: 2h',
      'global:',
      '  cacheRegoin: us',
      // `search` is not in charts/: nothing is known under it
      'search:',
      '  replicass: 2',
      '',
    ].join('\n');
    expect(judged(chart, text)).toEqual([
      'sessions.memroy: sessions.memory @2',
      'queue.retentoin: queue.retention @7',
      'global.cacheRegoin: global.cacheRegion @9',
    ]);
  });

  it('knows what import-values copies from a subchart into the parent', () => {
    const chart = chartOf({
      'Chart.yaml': [
        'apiVersion: v2',
        'name: shop',
        'version: 0.1.0',
        'dependencies:',
        '  - name: queue',
        '    import-values:',
        '      - defaults',
        '      - child: service',
        '        parent: queueService',
        '',
      ].join('\n'),
      'values.yaml': 'replicas: 1\n',
      'templates/cm.yaml': '{{ .Values.queueSize }}{{ .Values.queueService.port }}',
      'charts/queue/Chart.yaml': 'apiVersion: v2\nname: queue\nversion: 0.1.0\n',
      'charts/queue/values.yaml':
        'exports:\n  defaults:\n    queueSize: 10\nservice:\n  port: 80\n',
    });
    expect(judged(chart, 'queueSzie: 20\nqueueService:\n  prot: 81\n')).toEqual([
      'queueSzie: queueSize @1',
      'queueService.prot: queueService.port @3',
    ]);
  });

  it('leaves a key to a values.schema.json that closes its parent map, subcharts included', () => {
    const closed = JSON.stringify({
      type: 'object',
      properties: {
        persistence: { $ref: '#/$defs/persistence' },
        ingress: {
          type: 'object',
          properties: {
            hosts: { type: 'array', items: { allOf: [{ additionalProperties: false }] } },
          },
        },
      },
      $defs: { persistence: { type: 'object', additionalProperties: false } },
    });
    const text = 'persistence:\n  sizee: 1Gi\ningress:\n  hosts:\n    - hots: x\nreplicacount: 2\n';
    // the top level is open: replicacount is still this rule's
    expect(judged(chartOf({ ...SHOP, 'values.schema.json': closed }), text)).toEqual([
      'replicacount: replicaCount @6',
    ]);
    // a schema that only types the keys it knows (bitnami's) leaves misspelt keys to this rule
    const open = JSON.stringify({ properties: { persistence: { type: 'object' } } });
    expect(judged(chartOf({ ...SHOP, 'values.schema.json': open }), text)).toEqual([
      'persistence.sizee: persistence.size @2',
      'ingress.hosts.0.hots: ingress.hosts.0.host @5',
      'replicacount: replicaCount @6',
    ]);
    // a schema that does not parse is helm's to report
    expect(judged(chartOf({ ...SHOP, 'values.schema.json': '{' }), text)).toEqual([]);

    const cache = {
      ...SHOP,
      'charts/cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 0.1.0\n',
      'charts/cache/values.yaml': 'memory: 64Mi\n',
      'charts/cache/templates/cm.yaml': '{{ .Values.memory }}',
    };
    expect(judged(chartOf(cache), 'cache:\n  memroy: 1Gi\n')).toEqual([
      'cache.memroy: cache.memory @2',
    ]);
    const withSub = chartOf({
      ...cache,
      'charts/cache/values.schema.json': '{"additionalProperties": false}',
    });
    expect(judged(withSub, 'cache:\n  memroy: 1Gi\n')).toEqual([]);
  });

  it('is a warning with the dotted paths, at the level the policy names, off when it says so', () => {
    const file = parseValuesText('/w/dev.yaml', 'ingress:\n  hosts:\n    - hots: x\n');
    expect(misspeltKeyStage([file], shop, 'warning')).toEqual([
      {
        check: 'values',
        severity: 'warning',
        title: 'values/misspelt-key',
        message:
          'values key ingress.hosts[0].hots is not one the chart has; did you mean ingress.hosts[0].host?',
        file: '/w/dev.yaml',
        line: 3,
        column: 7,
      },
    ]);
    expect(misspeltKeyStage([file], shop, 'off')).toEqual([]);
    expect(misspeltKeyStage([file], undefined, 'warning')).toEqual([]);
  });
});

describe('misspelt-key in the policy map', () => {
  it('stays a warning when an entry gives every rule a level, and changes only when named', () => {
    const config = parsePolicy(
      'policy',
      'dev: off\nstaging:\n  misspelt-key: error\nqa:\n  misspelt-key: off\n',
    );
    expect(levelsFor(config, 'production')['misspelt-key']).toBe('warning');
    expect(levelsFor(config, 'production').replicas).toBe('error');
    expect(levelsFor(config, 'dev')['misspelt-key']).toBe('warning');
    expect(levelsFor(config, 'staging')['misspelt-key']).toBe('error');
    expect(levelsFor(config, 'qa')['misspelt-key']).toBe('off');
    expect(() => parsePolicy('policy', 'dev:\n  misspelled-key: off')).toThrow(
      /rule names under 'dev' from .*ingress-tls, misspelt-key \(got 'misspelled-key'\)/,
    );
  });
});
