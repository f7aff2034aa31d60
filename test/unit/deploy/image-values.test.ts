import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkImageValues,
  imageSetArgs,
  parseImageValues,
} from '../../../src/deploy/image-values.js';
import { parseDeploySettings } from '../../../src/deploy/settings.js';
import { upgradeArgs } from '../../../src/deploy/upgrade.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/charts');

describe('parseImageValues', () => {
  it.each([
    ['', ['image']],
    ['controller.image', ['controller.image']],
    ['server.image, injector.agentImage', ['server.image', 'injector.agentImage']],
    ['server.image\n# the sidecar\nsidecars[0].image\n', ['server.image', 'sidecars[0].image']],
  ])('%j -> %j', (raw, expected) => {
    expect(parseImageValues(raw)).toEqual(expected);
  });

  it.each(['controller.image.', '.image', 'image tag', 'image=x', 'a..b', 'images[x]'])(
    'rejects %j naming the input, the value and the expected form',
    (raw) => {
      expect(() => parseImageValues(raw)).toThrow(
        `Invalid input 'image-values': ${JSON.stringify(raw.trim())}. Expected a helm value path`,
      );
    },
  );

  it('rejects a path given twice', () => {
    expect(() => parseImageValues('image\nimage')).toThrow(/each value path once/);
  });
});

describe('imageSetArgs', () => {
  it('sets the tag and the digest at every path, as strings', () => {
    expect(imageSetArgs(['controller.image', 'image'], 'v1.2', 'sha256:' + 'a'.repeat(64))).toEqual(
      [
        '--set-string',
        'controller.image.tag=v1.2',
        '--set-string',
        `controller.image.digest=sha256:${'a'.repeat(64)}`,
        '--set-string',
        'image.tag=v1.2',
        '--set-string',
        `image.digest=sha256:${'a'.repeat(64)}`,
      ],
    );
    expect(imageSetArgs(['image'], '', '')).toEqual([]);
  });

  it('reach helm through upgradeArgs', () => {
    const args = upgradeArgs(
      {
        release: 'v',
        namespace: 'n',
        createNamespace: false,
        valuesFiles: [],
        overrides: [],
        imageTag: '2.0.5',
        imageDigest: '',
        imageValues: ['server.image'],
        timeoutMs: 60_000,
        wait: 'watch',
        rollbackOnFailure: true,
        historyMax: 10,
        chart: { kind: 'local', path: '/c' },
      },
      { major: 4, chartRef: '/c' },
    );
    expect(args).toContain('server.image.tag=2.0.5');
    expect(args.join(' ')).not.toContain(' image.tag=');
  });
});

describe('checkImageValues on public charts', () => {
  it('accepts the image mappings the charts define', () => {
    expect(() =>
      checkImageValues(['server.image'], path.join(FIXTURES, 'vault'), []),
    ).not.toThrow();
    expect(() =>
      checkImageValues(['image'], path.join(FIXTURES, 'prometheus-node-exporter'), []),
    ).not.toThrow();
    expect(() =>
      checkImageValues(['image', 'server.image'], path.join(FIXTURES, 'vault'), []),
    ).toThrow(
      "Invalid input 'image-values': \"image\". Expected a value path of the chart's image mapping; chart 'vault' has no 'image'",
    );
  });

  it('rejects a path that holds a string, saying what it holds', () => {
    // vault's injector.agentImage is a mapping, injector.logLevel a string.
    expect(() => checkImageValues(['injector.logLevel'], path.join(FIXTURES, 'vault'), [])).toThrow(
      /Expected the path of a mapping that holds the image's tag \(in values.yaml it is a string/,
    );
  });

  it('finds a mapping a values file adds, and trusts a dependency with its own values', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'image-values-'));
    mkdirSync(path.join(dir, 'chart'));
    writeFileSync(
      path.join(dir, 'chart/Chart.yaml'),
      'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 1.0.0\n    repository: file://../redis\n    alias: cache\n',
    );
    writeFileSync(path.join(dir, 'chart/values.yaml'), 'web:\n  replicas: 1\n');
    writeFileSync(path.join(dir, 'env.yaml'), 'web:\n  image:\n    repository: r\n');
    const chart = path.join(dir, 'chart');
    expect(() => checkImageValues(['web.image'], chart, [])).toThrow(/has no 'web.image'/);
    expect(() =>
      checkImageValues(['web.image', 'cache.image'], chart, [path.join(dir, 'env.yaml')]),
    ).not.toThrow();
  });
});

describe('parseDeploySettings: image-values', () => {
  const ws = FIXTURES;
  const read = (inputs: Record<string, string>) => (name: string) =>
    ({ release: 'v', chart: 'vault', namespace: 'dev', ...inputs })[name] ?? '';

  it('checks the paths only when a tag or digest goes there', () => {
    expect(parseDeploySettings(read({}), { workspace: ws }).imageValues).toEqual(['image']);
    expect(() => parseDeploySettings(read({ 'image-tag': '2.0.5' }), { workspace: ws })).toThrow(
      /'image-values': "image"/,
    );
    const s = parseDeploySettings(read({ 'image-tag': '2.0.5', 'image-values': 'server.image' }), {
      workspace: ws,
    });
    expect(s.imageValues).toEqual(['server.image']);
  });
});
