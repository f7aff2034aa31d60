// The bundles are minified; the runner starts node without --enable-source-maps,
// so the entry turns Node's source maps on itself when the runner's debug log
// is on (RUNNER_DEBUG=1), the only place a stack trace is shown. A position in
// the bundle must then come back as the src/ file it was built from.
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

/** The probe's map entry for the message, with RUNNER_DEBUG set to `debug` (or unset). */
function probe(debug: string | undefined): { originalSource: string; originalLine: number } | null {
  const env = { ...process.env, RUNNER_DEBUG: debug };
  if (debug === undefined) delete env.RUNNER_DEBUG;
  // The action itself fails (exit code 1, no inputs); the probe's line comes last.
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], {
    encoding: 'utf8',
    env,
  }).stdout;
  return JSON.parse(out.trim().split('\n').pop()!) as {
    originalSource: string;
    originalLine: number;
  } | null;
}

describe('action bundle source maps', () => {
  beforeAll(() => ensureBundle('smoke-test'), 300_000);

  it('maps a position in the minified bundle back to its src/ file and line', () => {
    const entry = probe('1')!;
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

describe('source maps only with the debug log', () => {
  beforeAll(() => ensureBundle('smoke-test'), 300_000);

  it('loads no map without RUNNER_DEBUG, so start-up does not index it', () => {
    expect(probe(undefined)).toBeNull();
    expect(probe('0')).toBeNull();
  });

  it("prints a failure's stack with src/ files in the debug log", () => {
    const run = (debug: string) =>
      spawnSync(process.execPath, [path.join(DIST, 'index.js')], {
        encoding: 'utf8',
        env: { ...process.env, RUNNER_DEBUG: debug, GITHUB_OUTPUT: '/dev/null' },
      }).stdout;
    // No inputs: the url input's error, its stack in a ::debug:: line.
    const debugLine = run('1')
      .split('\n')
      .find((l) => l.startsWith('::debug::'));
    expect(debugLine).toContain(path.join(REPO_ROOT, 'src', 'smoke'));
    expect(debugLine).not.toContain('action.js');
  });
});
