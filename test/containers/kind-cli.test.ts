// `hotswap-ci setup --cluster kind` from a terminal: the same kind path as the
// action, a cluster that stays up after the command, and `teardown` deleting it.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';
import { docker, engineUp, nodeImageArchive } from '../support/docker.js';
import { REPO_ROOT } from '../support/run-action.js';
import { MIRROR_ROOT, mirrorInputs } from '../support/setup-mirror.js';

let mirror: MirrorServer;
let archive: string;

beforeAll(async () => {
  engineUp();
  archive = nodeImageArchive();
  mirror = await startMirror(MIRROR_ROOT);
});
afterAll(async () => mirror?.close());

async function cli(args: string[], home: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: '' };
  for (const name of Object.keys(env))
    if (/^(RUNNER_|GITHUB_)/.test(name) || name === 'KUBECONFIG') delete env[name];
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'hotswap-ci.mjs'), ...args],
      { cwd: REPO_ROOT, env, timeout: 600_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const nodes = (name: string) =>
  docker(['ps', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '--format', '{{.Names}}']);

test('setup --cluster kind leaves a Ready cluster up; teardown deletes it', async () => {
  const home = mkdtempSync(path.join(tmpdir(), 'cli-kind-'));
  const name = `cli-kind-${process.pid}`;
  const flags = Object.entries({
    ...mirrorInputs(mirror.url),
    'helm-version': 'v4.3.1',
    cluster: 'kind',
    'cluster-name': name,
    'kind-node-image-archive': archive,
    wait: '5m',
  }).flatMap(([k, v]) => [`--${k}`, v]);
  try {
    const setup = await cli(['setup', ...flags], home);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).toMatch(/^kubeconfig=.+/m);
    expect(nodes(name)).toBe(`${name}-control-plane`);
  } finally {
    const teardown = await cli(['teardown', '--cluster-name', name], home);
    expect(teardown.code, teardown.stderr).toBe(0);
  }
  expect(nodes(name)).toBe('');
}, 900_000);
