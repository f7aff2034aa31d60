// tools/runc-caps edits what runc is handed, then execs the real runc with
// the same arguments. A stand-in runc records what it received.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/run-action.js';

let wrapper: string;
let dir: string;
let fakeRunc: string;

beforeAll(() => {
  wrapper = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/docker-engine.sh'), 'runc-caps'], {
    encoding: 'utf8',
    timeout: 600_000,
  }).trim();
  dir = mkdtempSync(path.join(tmpdir(), 'runc-caps-'));
  fakeRunc = path.join(dir, 'runc');
  writeFileSync(fakeRunc, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "${dir}/argv"\n`);
  chmodSync(fakeRunc, 0o755);
});

const CAPS = ['CAP_CHOWN', 'CAP_SYS_RESOURCE', 'CAP_SYS_ADMIN'];
// A memory limit past 2^53: the rewrite must keep such numbers exact.
const spec = (oomScoreAdj: number) =>
  `{"ociVersion":"1.2.0","process":{"args":["sh"],"oomScoreAdj":${oomScoreAdj},` +
  `"capabilities":{"bounding":${JSON.stringify(CAPS)},"effective":${JSON.stringify(CAPS)},"ambient":[]}},` +
  `"linux":{"resources":{"memory":{"limit":9223372036854771712}}}}`;

function runWrapper(args: string[]): string[] {
  execFileSync(wrapper, args, { env: { ...process.env, RUNC_CAPS_RUNC: fakeRunc } });
  return readFileSync(path.join(dir, 'argv'), 'utf8').trim().split('\n');
}

describe('runc-caps', () => {
  test('create: drops CAP_SYS_RESOURCE, clamps a negative oomScoreAdj, passes argv through', () => {
    const bundle = mkdtempSync(path.join(dir, 'bundle-'));
    writeFileSync(path.join(bundle, 'config.json'), spec(-998));
    const args = ['--root', '/run/x', '--log', '/tmp/l.json', 'create', '--bundle', bundle, 'c1'];
    expect(runWrapper(args)).toEqual([fakeRunc, ...args]);
    const text = readFileSync(path.join(bundle, 'config.json'), 'utf8');
    const edited = JSON.parse(text);
    expect(edited.process.capabilities.bounding).toEqual(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
    expect(edited.process.capabilities.effective).toEqual(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
    expect(edited.process.oomScoreAdj).toBe(0);
    expect(text).toContain('9223372036854771712');
  });

  test('run with --bundle=: a positive oomScoreAdj is kept', () => {
    const bundle = mkdtempSync(path.join(dir, 'bundle-'));
    writeFileSync(path.join(bundle, 'config.json'), spec(500));
    runWrapper(['run', `--bundle=${bundle}`, 'c2']);
    const edited = JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8'));
    expect(edited.process.oomScoreAdj).toBe(500);
    expect(edited.process.capabilities.bounding).not.toContain('CAP_SYS_RESOURCE');
  });

  test('exec: edits the --process file', () => {
    const processFile = path.join(dir, 'process.json');
    writeFileSync(processFile, JSON.stringify(JSON.parse(spec(0)).process));
    runWrapper(['--root', '/run/x', 'exec', '--process', processFile, '--detach', 'c1']);
    const edited = JSON.parse(readFileSync(processFile, 'utf8'));
    expect(edited.capabilities.effective).toEqual(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  });

  test('other commands pass through untouched, and a bad spec fails before runc runs', () => {
    expect(runWrapper(['--version'])).toEqual([fakeRunc, '--version']);
    const bundle = mkdtempSync(path.join(dir, 'bundle-'));
    writeFileSync(path.join(bundle, 'config.json'), '{not json');
    expect(() => runWrapper(['create', '-b', bundle, 'c3'])).toThrow(/config\.json/);
  });
});
