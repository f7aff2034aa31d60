// The rollback action: to the last good revision by default, to a given one on
// request, out of a stuck pending state, and clear errors when there is
// nothing sensible to roll back to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, runCli } from '../../support/cli.js';
import { TOOLS_BIN } from '../../support/tools.js';
import {
  clusterState,
  expectClusterUnchanged,
  history,
  kubeconfig,
  kubectl,
  leaveReleasePending,
  makeWorkspace,
  runDeployAction,
} from './harness.js';

const namespace = `rollback-${process.pid}`;
const workspace = makeWorkspace();
/** hotswap-ci rollback with the same inputs, tools on PATH. */
const cliRollback = (inputs: Record<string, string>) =>
  runCli(cliArgs('rollback', { kubeconfig: kubeconfig(), ...inputs }), {
    cwd: workspace,
    env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
  });

const deployBase = {
  release: 'app',
  chart: 'chart/hotswap',
  namespace,
  'values-files': 'chart/environments/dev.yaml',
  diff: 'false',
  timeout: '2m',
};

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  for (const level of ['info', 'warn']) {
    const r = await runDeployAction(
      'deploy',
      { ...deployBase, set: `config.logLevel=${level}` },
      { workspace },
    );
    expect(r.outputs.status, r.stdout).toBe('deployed');
  }
  // A bad revision 3, left in place (no automatic rollback).
  const bad = await runDeployAction(
    'deploy',
    {
      ...deployBase,
      set: 'podAnnotations.hotswap\\.dev/simulate=crash-loop',
      'rollback-on-failure': 'false',
    },
    { workspace },
  );
  expect(bad.outputs.status).toBe('failed');
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('rollback action', () => {
  it('rolls back to the last good revision before the current one', async () => {
    const run = await runDeployAction('rollback', { release: 'app', namespace }, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-revision': '3',
      'to-revision': '2',
    });
    expect(run.summary).toContain('### Release history');
    expect(run.summary).toMatch(
      /\| 4 \| \S+ \| deployed \| hotswap-[\d.]+ \| [\d.]+ \| Rollback to 2/,
    );
    const spec = await kubectl(['get', 'deployment', 'app-hotswap', '-n', namespace, '-o', 'json']);
    expect(spec).not.toContain('hotswap.dev/simulate');
  });

  it('rolls back to a given revision', async () => {
    const run = await runDeployAction(
      'rollback',
      { release: 'app', namespace, revision: '1' },
      { workspace },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-revision': '4',
      'to-revision': '1',
    });
    expect((await history('app', namespace)).at(-1)!.description).toMatch(/^Rollback to 1/);
  });

  it('rolls back a release stuck in pending-upgrade', async () => {
    await leaveReleasePending({ release: 'app', namespace, workspace });
    const run = await runDeployAction('rollback', { release: 'app', namespace }, { workspace });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/stuck in pending-upgrade \(revision 6/);
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'from-revision': '6',
      'to-revision': '5',
    });
    expect((await history('app', namespace)).at(-1)!.status).toBe('deployed');
  });

  it.each([
    [{ release: 'no-such-release' }, 'release', /release 'no-such-release' not found in namespace/],
    [
      { release: 'app', revision: '99' },
      'revision',
      /revision 99 of release 'app' is not in its history/,
    ],
    [
      { release: 'app', revision: '7' },
      'revision',
      /revision 7 is the current revision of release 'app'/,
    ],
  ])('refuses %j as bad input (CLI exit 2) and changes nothing', async (inputs, input, message) => {
    const before = await clusterState();
    const run = await runDeployAction('rollback', { namespace, ...inputs }, { workspace });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`::error::Invalid input '${input}'.*${message.source}`));
    const cli = await cliRollback({ namespace, ...inputs });
    expect(cli.code, cli.stderr).toBe(2);
    expect(cli.stderr).toMatch(new RegExp(`error: Invalid input '${input}'.*${message.source}`));
    await expectClusterUnchanged(before);
  });

  it('refuses a release with no earlier good revision', async () => {
    const only = await runDeployAction(
      'deploy',
      { ...deployBase, release: 'single' },
      { workspace },
    );
    expect(only.outputs.status).toBe('deployed');
    const before = await clusterState();
    const run = await runDeployAction('rollback', { release: 'single', namespace }, { workspace });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::.*release 'single' has no verified or good revision before its current revision 1/,
    );
    // Not an input problem: the release's state does not allow it (exit 1).
    const cli = await cliRollback({ release: 'single', namespace });
    expect(cli.code, cli.stderr).toBe(1);
    expect(cli.stderr).toMatch(/has no verified or good revision before its current revision 1/);
    await expectClusterUnchanged(before);
  });
});
