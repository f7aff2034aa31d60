import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartMetadata } from '../../../src/helm/chart-metadata.js';

function chartDir(text?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-meta-'));
  if (text !== undefined) writeFileSync(path.join(dir, 'Chart.yaml'), text);
  return dir;
}

describe('chartMetadata', () => {
  it('reads the first document of Chart.yaml, as helm does', () => {
    const dir = chartDir('apiVersion: v2\nname: web\ntype: library\n---\nname: other\n');
    expect(chartMetadata(dir)).toMatchObject({ name: 'web', type: 'library' });
  });

  it('gives nothing for a missing, broken or non-mapping file: helm lint says why', () => {
    expect(chartMetadata(chartDir())).toBeUndefined();
    expect(chartMetadata(chartDir('name: [web\n'))).toBeUndefined();
    expect(chartMetadata(chartDir('- web\n'))).toBeUndefined();
  });

  it('reads the file again once it changed', () => {
    const dir = chartDir('name: web\n');
    expect(chartMetadata(dir)?.name).toBe('web');
    writeFileSync(path.join(dir, 'Chart.yaml'), 'name: website\n');
    expect(chartMetadata(dir)?.name).toBe('website');
  });

  it("reads a v1 chart's requirements.yaml by name", () => {
    const dir = chartDir('apiVersion: v1\nname: web\n');
    writeFileSync(path.join(dir, 'requirements.yaml'), 'dependencies:\n  - name: redis\n');
    expect(chartMetadata(dir, 'requirements.yaml')?.dependencies).toEqual([{ name: 'redis' }]);
  });
});
