import { cpSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { bundleAction } from '../../scripts/build.mjs';
import { REPO_ROOT, inputEnvName, parseFileCommands, runAction } from '../support/run-action.js';
import { tempDir } from '../support/temp-dir.js';

describe('runner-contract helper', () => {
  let actionDir: string;

  beforeAll(async () => {
    // Bundle the fixture exactly as `npm run build` bundles the real actions.
    actionDir = tempDir('contract-action-');
    cpSync(
      path.join(REPO_ROOT, 'test/fixtures/contract-action/action.yml'),
      path.join(actionDir, 'action.yml'),
    );
    await bundleAction(
      path.join(REPO_ROOT, 'test/fixtures/contract-action/index.ts'),
      path.join(actionDir, 'dist'),
    );
  }, 120_000);

  it('mangles input names like the runner', () => {
    expect(inputEnvName('greeting-target name')).toBe('INPUT_GREETING-TARGET_NAME');
  });

  it('passes inputs and reads back outputs, multiline outputs and the summary', async () => {
    const run = await runAction(actionDir, { inputs: { 'greeting-target name': 'kwok' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({
      greeting: 'hello kwok!',
      letters: 'k\nw\no\nk',
      'token-length': '0',
    });
    expect(run.summary).toContain('<h1>Contract</h1>');
    expect(run.summary).toContain('greeted kwok');
  });

  it('evaluates ${{ github.token }} in defaults to the job token', async () => {
    const run = await runAction(actionDir, {
      inputs: { 'greeting-target name': 'kwok' },
      env: { GITHUB_TOKEN: 'ghs_0123456789' },
    });
    expect(run.outputs['token-length']).toBe('14');
  });

  it('reports a missing required input as a failed step', async () => {
    const run = await runAction(actionDir, { inputs: { 'greeting-target name': '' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::Input required and not supplied: greeting-target name');
  });

  it('parses name=value and heredoc file commands', () => {
    expect(parseFileCommands('a=1\nb<<EOF\nx\ny\nEOF\n')).toEqual({ a: '1', b: 'x\ny' });
    expect(() => parseFileCommands('b<<EOF\nx\n')).toThrow(/no closing delimiter/);
  });
});
