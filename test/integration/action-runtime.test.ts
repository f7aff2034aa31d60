// The runtime the actions declare is the one their bundles are tested on:
// every action.yml says node24, and `npm run test:node24` runs the bundle
// tests with HOTSWAP_ACTION_NODE pointing at Node.js 24 from the npm registry.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBundle } from '../support/bundle.js';
import { actionNode, REPO_ROOT } from '../support/run-action.js';
import { tempDir } from '../support/temp-dir.js';

const actions = readdirSync(path.join(REPO_ROOT, 'actions'));

describe('action runtime', () => {
  it.each(actions)('actions/%s declares runs.using: node24', (name) => {
    const meta = YAML.parse(
      readFileSync(path.join(REPO_ROOT, 'actions', name, 'action.yml'), 'utf8'),
    ) as {
      runs: { using: string };
    };
    expect(meta.runs.using).toBe('node24');
  });

  it('the bundles run on the node HOTSWAP_ACTION_NODE names, when set', () => {
    const version = execFileSync(actionNode(), ['--version'], { encoding: 'utf8' }).trim();
    console.log(`bundles run on node ${version} (${actionNode()})`);
    if (process.env.HOTSWAP_ACTION_NODE) expect(version).toMatch(/^v24\./);
    else expect(version).toBe(process.version);
  });
});

// Node 24 builds an ES module facade for a built-in imported as an ES module,
// reading all its exports: node:http's lazy getters then load Node's own undici
// (tens of milliseconds of start-up). The bundles require built-ins instead.
// Each action runs on inputs it rejects before any tool call or request.
describe('action start-up', () => {
  const rejected: Record<string, Record<string, string>> = { setup: { INPUT_CLUSTER: 'nope' } };
  beforeAll(async () => {
    for (const name of actions) await ensureBundle(name);
  }, 300_000);

  it.each(actions)('actions/%s loads no module of Node it does not use', (name) => {
    const entry = path.join(REPO_ROOT, 'actions', name, 'dist', 'index.js');
    const probe = `process.on('exit', () => console.log('LOADED ' + JSON.stringify(
      process.moduleLoadList.filter((m) => m.includes('deps/undici')))));
      await import(${JSON.stringify(entry)});`;
    const run = spawnSync(actionNode(), ['--input-type=module', '-e', probe], {
      cwd: tempDir('startup-probe-'),
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: '/dev/null', ...rejected[name] },
    });
    expect(run.stdout).toMatch(/::error::Invalid input/);
    expect(run.stdout).toContain('LOADED []');
  });
});
