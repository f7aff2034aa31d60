// One name for this repository wherever a caller reads it: the `uses:` lines
// of the READMEs, docs and examples, the workflows' own marker, and links.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY } from '../../../scripts/release/repository.js';
import { REPO_ROOT } from '../../support/run-action.js';

const files = [
  'README.md',
  'CHANGELOG.md',
  'chart/hotswap/Chart.yaml',
  ...['docs', 'examples', '.github/workflows'].flatMap((dir) =>
    readdirSync(path.join(REPO_ROOT, dir))
      .filter((f) => /\.(md|ya?ml)$/.test(f))
      .map((f) => `${dir}/${f}`),
  ),
  ...readdirSync(path.join(REPO_ROOT, 'actions')).map((a) => `actions/${a}/README.md`),
];

describe(`the repository is ${REPOSITORY} everywhere`, () => {
  it.each(files)('%s', (file) => {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const named = [
      ...[
        ...text.matchAll(/([\w.-]+\/[\w.-]+)\/(?:actions\/[\w-]+|\.github\/workflows\/[\w.-]+)@/g),
      ].map((m) => m[1]!),
      ...[...text.matchAll(/github\.com\/(hotswap\/[\w.-]+)/g)].map((m) => m[1]!),
      ...[...text.matchAll(/HOTSWAP_REPOSITORY:\s*(\S+)/g)].map((m) => m[1]!),
    ];
    expect(named.filter((n) => n !== REPOSITORY)).toEqual([]);
  });
});
