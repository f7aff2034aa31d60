import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { chooseEngine } from '../../scripts/demo/cluster.js';
import { parseChartImages } from '../../scripts/demo/kind-images.js';
import { cachedNodeArchives } from '../../scripts/demo/node-image.js';

test('the demo picks kind only with an engine and a node image there without a pull, and says why', () => {
  expect(chooseEngine({ answers: false }, undefined, 'v1.36.3')).toEqual({
    engine: 'kwok',
    why: 'no Docker engine answers',
  });
  expect(
    chooseEngine({ answers: false, detail: 'nothing answers at unix:///x.sock' }, undefined, 'v1')
      .why,
  ).toBe('no Docker engine answers (nothing answers at unix:///x.sock)');
  const noImage = chooseEngine({ answers: true }, undefined, 'v1.36.3');
  expect(noImage.engine).toBe('kwok');
  expect(noImage.why).toContain('no kind node image is on it or cached');
  expect(noImage.why).toContain('hotswap-local/kind-node:v1.36.3');
  const archive = { archive: '/cache/images/kind-node.tar', from: 'the archive is cached' };
  expect(chooseEngine({ answers: true }, archive, 'v1.36.3')).toEqual({
    engine: 'kind',
    why: 'a Docker engine answers and the archive is cached',
    nodeImage: archive,
  });
});

test('cached node archives: this version, this runtime, with an image id, newest first', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'node-archives-'));
  const make = (name: string, id = true, mtime = 1000) => {
    writeFileSync(path.join(dir, name), '');
    if (id) writeFileSync(path.join(dir, `${name}.id`), 'sha256:x');
    utimesSync(path.join(dir, name), mtime, mtime);
  };
  make('kind-node-v1.36.3-aaa-runc-caps.tar', true, 1000);
  make('kind-node-v1.36.3-bbb-runc-caps.tar', true, 2000);
  make('kind-node-v1.36.3-ccc-runc-caps.tar', false, 3000); // a build that did not finish
  make('kind-node-v1.36.3-ddd-runc.tar', true, 4000); // for an engine without the wrapper
  make('kind-node-v1.35.0-eee-runc-caps.tar', true, 5000);
  expect(cachedNodeArchives(dir, 'v1.36.3', 'runc-caps').map((f) => path.basename(f))).toEqual([
    'kind-node-v1.36.3-bbb-runc-caps.tar',
    'kind-node-v1.36.3-aaa-runc-caps.tar',
  ]);
  expect(cachedNodeArchives(dir, 'v1.36.3', 'runc').map((f) => path.basename(f))).toEqual([
    'kind-node-v1.36.3-ddd-runc.tar',
  ]);
  expect(cachedNodeArchives(path.join(dir, 'none'), 'v1.36.3', 'runc')).toEqual([]);
});

test('chart image names from scripts/chart-images.sh output', () => {
  expect(
    parseChartImages('api=hotswap-local/stand-in:abc\npostgresql=hotswap-local/postgres:15-d\n\n'),
  ).toEqual({ api: 'hotswap-local/stand-in:abc', postgresql: 'hotswap-local/postgres:15-d' });
});
