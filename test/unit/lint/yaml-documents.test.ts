import { describe, expect, it } from 'vitest';
import { parseRenderedDocuments, parseYamlDocuments } from '../../../src/lint/yaml-documents.js';

describe('parseYamlDocuments', () => {
  it('returns every document, empty ones as null, with merge keys resolved', () => {
    const text = 'a: &base {x: 1}\nb:\n  <<: *base\n  y: 2\n---\n---\nkind: Service\n';
    expect(parseYamlDocuments(text)).toEqual([
      { a: { x: 1 }, b: { x: 1, y: 2 } },
      null,
      { kind: 'Service' },
    ]);
  });

  it('reads YAML 1.2 scalars: a bare on and a date stay strings', () => {
    expect(parseYamlDocuments('on: push\ndate: 2026-01-02\n')).toEqual([
      { on: 'push', date: '2026-01-02' },
    ]);
  });

  it('throws the first syntax error of any document', () => {
    expect(() => parseYamlDocuments('a: 1\n---\nb: [1, 2\n')).toThrow(/flow sequence/i);
    expect(() => parseYamlDocuments('a: 1\na: 2\n')).toThrow(/unique/i);
  });
});

describe('parseRenderedDocuments', () => {
  it('keeps the last value of a key set twice in one mapping, as helm applies it, and names its field', () => {
    const text = [
      'kind: Deployment',
      'spec:',
      '  affinity:',
      '    podAntiAffinity: {a: 1}',
      '    "podAntiAffinity":',
      '      b: 2',
      '',
    ].join('\n');
    expect(parseRenderedDocuments(text)).toEqual({
      values: [{ kind: 'Deployment', spec: { affinity: { podAntiAffinity: { b: 2 } } } }],
      duplicates: [['spec', 'affinity', 'podAntiAffinity']],
    });
    expect(parseRenderedDocuments('a: 1\n')).toEqual({ values: [{ a: 1 }], duplicates: [] });
    expect(
      parseRenderedDocuments('items:\n  - {name: a}\n  - {name: b, name: c}\n').duplicates,
    ).toEqual([['items', 1, 'name']]);
  });

  it('throws any other syntax error, duplicates or not', () => {
    expect(() => parseRenderedDocuments('a: 1\na: 2\nb: [1, 2\n')).toThrow(/flow sequence/i);
  });
});
