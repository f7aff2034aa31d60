// A chart from a chart repository (chart-repository, chart, chart-version):
// a repository on loopback behind basic auth (test/support/chart-repository.ts)
// serving chart/hotswap packaged. The repository is added to a helm config of
// the run's own, the password through stdin only; the config is removed after
// the run. A repository that refuses the credentials, or a version it does not
// hold, fails the deploy with helm's reason and no revision written.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/run-action.js';
import { serveChartRepository, type ChartRepository } from '../../support/chart-repository.js';
import { history, kubectl, makeWorkspace, runDeployAction, type DeployRun } from './harness.js';

const namespace = `chart-repo-${process.pid}`;
const PASSWORD = 'repo-Pa55-word-7f3e';
let repo: ChartRepository;

beforeAll(async () => {
  repo = await serveChartRepository([path.join(REPO_ROOT, 'chart/hotswap')], {
    username: 'ci',
    password: PASSWORD,
  });
  await kubectl(['create', 'namespace', namespace]);
});
afterAll(async () => {
  await repo?.close();
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

function deployFromRepository(
  release: string,
  inputs: Record<string, string> = {},
): Promise<DeployRun> {
  return runDeployAction(
    'deploy',
    {
      release,
      'chart-repository': repo.url,
      chart: 'hotswap',
      'chart-version': '0.1.0',
      'registry-username': 'ci',
      'registry-password': PASSWORD,
      namespace,
      'values-files': 'chart/environments/dev.yaml',
      ...inputs,
    },
    { workspace: makeWorkspace() },
  );
}

/** Everything the run showed, the `::add-mask::` commands aside (the runner consumes them). */
function shown(run: DeployRun): string[] {
  return [run.argv, run.summary, run.stdout.replace(/^::add-mask::.*$/gm, ''), run.stderr];
}

describe('deploy: chart from a chart repository', () => {
  it('adds the repository with the password through stdin, installs the pinned version', async () => {
    const run = await deployFromRepository('from-repo');
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.argv).toMatch(
      /^ARGV repo add hotswap-chart-repository http:\/\/127\.0\.0\.1:\d+\/charts --username ci --password-stdin( |$)/m,
    );
    expect(run.argv).toMatch(
      /^ARGV upgrade from-repo hotswap-chart-repository\/hotswap --install .*--version 0\.1\.0/m,
    );
    for (const text of shown(run)) expect(text).not.toContain(PASSWORD);
    // The version was looked up in the repository's index (helm 4 takes the
    // package from its content cache when it holds that digest already).
    expect(repo.requests).toContain('/charts/index.yaml');
    // The run's helm config is gone with the run.
    expect(
      readdirSync(path.join(run.runnerDir, 'temp')).filter((f) => f.startsWith('hotswap-')),
    ).toEqual(['hotswap-helm-versions']);
    const revisions = await history('from-repo', namespace);
    expect(revisions.at(-1)).toMatchObject({ status: 'deployed', chart: 'hotswap-0.1.0' });
  });

  it('does the same with helm 3', async () => {
    const run = await deployFromRepository('from-repo-3', { helm: 'helm3', 'helm-major': '3' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.argv).toMatch(/^ARGV repo add hotswap-chart-repository .* --password-stdin( |$)/m);
    for (const text of shown(run)) expect(text).not.toContain(PASSWORD);
    expect((await history('from-repo-3', namespace)).at(-1)).toMatchObject({ status: 'deployed' });
  });

  it('stops before any change when the repository refuses the credentials', async () => {
    const run = await deployFromRepository('refused', { 'registry-password': 'wrong-Pa55' });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      /::error::.*chart-repository http:\/\/127\.0\.0\.1:\d+\/charts: helm repo add failed: .*401.*Nothing in the cluster was changed\./,
    );
    expect(run.argv).not.toMatch(/^ARGV upgrade/m);
    for (const text of shown(run)) expect(text).not.toContain('wrong-Pa55');
    expect(await history('refused', namespace)).toEqual([]);
  });

  it('writes no revision for a version the repository does not hold', async () => {
    const run = await deployFromRepository('no-version', { 'chart-version': '9.9.9' });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      /::error::.*matching 9\.9\.9 not found in hotswap-chart-repository index/,
    );
    expect(run.stdout).toContain('no revision was created');
    expect(await history('no-version', namespace)).toEqual([]);
  });
});
