import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { trimSourceMap, trimSourceMapFile } from '../../../scripts/trim-source-map.mjs';

describe('trimSourceMap', () => {
  const map = {
    version: 3,
    file: 'index.js',
    sources: ['../src/a.ts', '../node_modules/lib/x.js'],
    names: ['foo', 'bar'],
    sourcesContent: ['source text', 'library text'],
    // line 1: a.ts 0:0 (foo), x.js 3:2, a.ts 1:4 (bar); line 2: x.js 2:4; line 3: a.ts 3:4
    mappings: 'AAAAA,KCGE,IDFEC;ACCA;ADCA',
  };

  it('keeps the mappings into the kept sources, re-encoded, and no source text', () => {
    const trimmed = trimSourceMap(map, (s: string) => !s.includes('node_modules/'));
    expect(trimmed).toEqual({
      version: 3,
      file: 'index.js',
      sources: ['../src/a.ts'],
      names: ['foo', 'bar'],
      mappings: 'AAAAA,SACIC;;AAEA',
    });
  });

  it('gives back the same mappings when it keeps every source', () => {
    expect(trimSourceMap(map, () => true).mappings).toBe(map.mappings);
  });

  it('rewrites a map file in place with the sources relative to it, as esbuild names them', () => {
    const dist = path.join(
      mkdtempSync(path.join(tmpdir(), 'trim-map-')),
      'actions',
      'lint',
      'dist',
    );
    mkdirSync(dist, { recursive: true });
    const file = path.join(dist, 'action.js.map');
    const sources = ['../../../src/a.ts', '../../../node_modules/lib/x.js'];
    writeFileSync(file, JSON.stringify({ ...map, file: 'action.js', sources }));
    trimSourceMapFile(file);
    const trimmed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(trimmed).toEqual({
      version: 3,
      file: 'action.js',
      sources: ['../../../src/a.ts'],
      names: ['foo', 'bar'],
      mappings: 'AAAAA,SACIC;;AAEA',
    });
  });
});
