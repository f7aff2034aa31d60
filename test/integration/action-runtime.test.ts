// The runtime the actions declare is the one their bundles are tested on:
// every action.yml says node24, and `npm run test:node24` runs the bundle
// tests with HOTSWAP_ACTION_NODE pointing at Node.js 24 from the npm registry.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { actionNode, REPO_ROOT } from '../support/run-action.js';

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
