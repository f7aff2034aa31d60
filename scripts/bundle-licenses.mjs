// licenses.txt next to a bundle: the name, the license field and the license
// text of every package that has code in it, in the format ncc wrote before
// (name, license, text, a blank line), sorted by name.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_DIR = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//;

/** The package folders of every input that contributed bytes to an output of `metafile`. */
function bundledPackages(metafile) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const dir = PACKAGE_DIR.exec(input)?.[1];
      if (dir && bytesInOutput > 0) dirs.add(dir);
    }
  }
  return [...dirs];
}

function licenseText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(path.join(dir, file), 'utf8').trim() : '';
}

export function writeLicenses(metafile, file) {
  const entries = bundledPackages(metafile)
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => {
      const { name, license } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      return { name, license: license ?? '', text: licenseText(dir) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const seen = new Set();
  const blocks = entries
    .filter(({ name }) => !seen.has(name) && seen.add(name))
    .map(({ name, license, text }) => [name, license, text].filter(Boolean).join('\n'));
  writeFileSync(file, blocks.join('\n\n') + '\n');
}
