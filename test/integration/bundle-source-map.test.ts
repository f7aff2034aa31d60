// The bundles are minified; the runner starts node without --enable-source-maps,
// so the entry turns Node's source maps on itself. A position in the bundle
// must come back as the src/ file it was built from.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle } from '../support/bundle.js';
import { REPO_ROOT } from '../support/run-action.js';

const DIST = path.join(REPO_ROOT, 'actions', 'smoke-test', 'dist');

// Runs the entry as the runner does (no inputs: it fails on `url`), then asks
// Node for the map it loaded and looks up where the success message was written.
const PROBE = `
import { findSourceMap } from 'node:module';
import { readFileSync } from 'node:fs';
process.env.GITHUB_OUTPUT = '/dev/null';
await import(${JSON.stringify(path.join(DIST, 'index.js'))});
const file = ${JSON.stringify(path.join(DIST, 'action.js'))};
const code = readFileSync(file, 'utf8');
const at = code.indexOf('Smoke test passed');
const line = code.slice(0, at).split('\\n').length - 1;
const entry = findSourceMap(file)?.findEntry(line, at - code.lastIndexOf('\\n', at) - 1);
console.log(JSON.stringify(entry ?? null));
`;

describe('action bundle source maps', () => {
  beforeAll(() => ensureBundle('smoke-test'), 300_000);

  it('maps a position in the minified bundle back to its src/ file and line', () => {
    // The action itself fails (exit code 1, no inputs); the probe's line comes last.
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], {
      encoding: 'utf8',
    }).stdout;
    const entry = JSON.parse(out.trim().split('\n').pop()!) as {
      originalSource: string;
      originalLine: number;
    };
    const source = path.join(REPO_ROOT, 'src', 'smoke', 'step.ts');
    expect(entry.originalSource).toBe(`file://${source}`);
    // The statement that logs the message, or one the minifier joined it to in the
    // same function: between run()'s first line and that statement (0-based lines).
    const lines = readFileSync(source, 'utf8').split('\n');
    const want = lines.findIndex((l) => l.includes('Smoke test passed'));
    const fn = lines.findIndex((l) => /^\s+async run\(|^\s+run: async/.test(l));
    expect(entry.originalLine).toBeGreaterThan(fn);
    expect(entry.originalLine).toBeLessThanOrEqual(want);
    // The map carries positions only, for this project's files.
    const map = JSON.parse(readFileSync(path.join(DIST, 'action.js.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((s) => s.includes('node_modules'))).toBe(false);
  });
});
