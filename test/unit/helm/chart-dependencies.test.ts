import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ChartDependencyError,
  declaresDependencies,
  ensureChartDependencies,
  failureReason,
  parseDependencyList,
  repositoryName,
  unmanagedRepositories,
} from '../../../src/helm/chart-dependencies.js';
import { withoutCredentials } from '../../../src/secrets/redact.js';
import { CommandError, type CommandResult } from '../../../src/exec/command.js';
import type { Helm } from '../../../src/helm/helm.js';

// What helm 3.22 / 4.3 print for `helm dependency list` (uitable, padded columns).
const LISTED = `NAME      \tVERSION\tREPOSITORY                             \tSTATUS
common    \t2.x.x  \toci://registry-1.docker.io/bitnamicharts\tok
redis     \t20.1.0 \thttps://charts.example.com/stable      \twrong version
podinfo   \t6.14.1 \tfile://../podinfo                      \tmissing

`;

describe('unmanagedRepositories', () => {
  it("reads the http(s) URLs of helm's refusal, not OCI or file:// ones", () => {
    expect(
      unmanagedRepositories(
        "Error: no repository definition for https://charts.example.com/stable, http://127.0.0.1:8080/charts. Please add the missing repos via 'helm repo add'\n",
      ),
    ).toEqual(['https://charts.example.com/stable', 'http://127.0.0.1:8080/charts']);
    expect(
      unmanagedRepositories('Error: no repository definition for @stable. Please add'),
    ).toEqual([]);
    expect(unmanagedRepositories('Error: chart podinfo not found')).toEqual([]);
  });

  it('names a repository by its URL alone', () => {
    expect(repositoryName('https://a.example/charts')).toBe(
      repositoryName('https://a.example/charts'),
    );
    expect(repositoryName('https://a.example/charts')).not.toBe(
      repositoryName('https://b.example/charts'),
    );
    expect(repositoryName('https://a.example/charts')).toMatch(/^hotswap-[0-9a-f]{12}$/);
  });
});

describe('parseDependencyList', () => {
  it('reads each row, statuses of two words included', () => {
    expect(parseDependencyList(LISTED)).toEqual([
      {
        name: 'common',
        version: '2.x.x',
        repository: 'oci://registry-1.docker.io/bitnamicharts',
        status: 'ok',
      },
      {
        name: 'redis',
        version: '20.1.0',
        repository: 'https://charts.example.com/stable',
        status: 'wrong version',
      },
      { name: 'podinfo', version: '6.14.1', repository: 'file://../podinfo', status: 'missing' },
    ]);
    expect(parseDependencyList('WARNING: no dependencies at charts/\n')).toEqual([]);
  });
});

describe('failureReason', () => {
  it('prefers the cause of an unreachable repository over the error it leads to', () => {
    expect(
      failureReason(
        'Getting updates for unmanaged Helm repositories...\n...Unable to get an update from the "http://127.0.0.1:1/charts" chart repository:\n\tGet "http://127.0.0.1:1/charts/index.yaml": dial tcp 127.0.0.1:1: connect: connection refused\nError: no cached repository for helm-manager-4822 found. (try \'helm repo update\')\n',
      ),
    ).toBe(
      'Get "http://127.0.0.1:1/charts/index.yaml": dial tcp 127.0.0.1:1: connect: connection refused',
    );
    expect(failureReason('Saving 1 charts\nError: chart "x" version "9.9.9" not found\n')).toBe(
      'chart "x" version "9.9.9" not found',
    );
  });
});

function chartWith(deps: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'deps-'));
  writeFileSync(path.join(dir, 'Chart.yaml'), `apiVersion: v2\nname: app\nversion: 1.0.0\n${deps}`);
  return dir;
}

const result = (stdout: string, stderr = '', code = 0): CommandResult =>
  ({ code, stdout, stderr }) as CommandResult;

/** An argv-recording helm: `list` prints the given table, `build` succeeds or fails. */
function fakeHelm(table: string, build?: CommandResult): { helm: Helm; calls: string[][] } {
  const calls: string[][] = [];
  const helm = {
    run: async (args: readonly string[]) => {
      calls.push([...args]);
      if (args[1] === 'list') return result(table);
      if (build && build.code !== 0) throw new CommandError('helm dependency', build);
      return result('');
    },
  } as unknown as Helm;
  return { helm, calls };
}

describe('ensureChartDependencies', () => {
  const declared = chartWith(
    'dependencies:\n  - name: podinfo\n    version: 6.14.1\n    repository: file://../podinfo\n',
  );

  it('does not call helm for a chart without dependencies', async () => {
    const { helm, calls } = fakeHelm('');
    expect(declaresDependencies(chartWith(''))).toBe(false);
    expect(await ensureChartDependencies(helm, chartWith('dependencies: []\n'))).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('leaves vendored dependencies alone: no build, no network', async () => {
    const { helm, calls } = fakeHelm(
      'NAME\tVERSION\tREPOSITORY\tSTATUS\ncommon\t2.x.x\toci://r/c\tok\nlib\t1.0.0\tfile://../lib\tunpacked\n',
    );
    expect(await ensureChartDependencies(helm, declared)).toMatch(
      /2 dependencies vendored under charts\//,
    );
    expect(calls).toEqual([['dependency', 'list', declared]]);
  });

  it('builds missing dependencies', async () => {
    const { helm, calls } = fakeHelm(LISTED);
    expect(await ensureChartDependencies(helm, declared)).toMatch(
      /helm dependency build fetched redis, podinfo$/,
    );
    expect(calls[1]).toEqual(['dependency', 'build', declared]);
  });

  it('names the chart and each dependency that could not be fetched', async () => {
    const { helm } = fakeHelm(
      LISTED,
      result(
        '',
        'Saving 1 charts\nError: could not download https://charts.example.com/stable/redis-20.1.0.tgz: dial tcp: lookup charts.example.com: no such host\n',
        1,
      ),
    );
    const error = await ensureChartDependencies(helm, declared).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ChartDependencyError);
    expect((error as Error).message).toContain(`chart '${declared}': dependencies 'redis' 20.1.0`);
    expect((error as Error).message).toContain("'podinfo' 6.14.1 from file://../podinfo (missing)");
    expect((error as Error).message).toContain(
      '(could not download https://charts.example.com/stable/redis-20.1.0.tgz: dial tcp: lookup charts.example.com: no such host)',
    );
    expect((error as Error).message).toContain('Nothing in the cluster was changed.');
    expect((error as Error).message).not.toContain('common');
  });

  it('never repeats the credentials of a repository URL, and adds no such repository', async () => {
    const url = 'https://ci-bot:tok3n-s3cret@charts.example.com/private';
    const { helm, calls } = fakeHelm(
      `NAME\tVERSION\tREPOSITORY\tSTATUS\nshop\t1.0.0\t${url}\tmissing\n`,
      result(
        '',
        `Error: no repository definition for ${url}. Please add the missing repos via 'helm repo add'\n`,
        1,
      ),
    );
    const error = (await ensureChartDependencies(helm, declared).catch(
      (e: Error) => e,
    )) as ChartDependencyError;
    expect(error).toBeInstanceOf(ChartDependencyError);
    expect(error.message).toContain(
      "'shop' 1.0.0 from https://***@charts.example.com/private (missing)",
    );
    expect(error.message + error.reason).not.toContain('tok3n-s3cret');
    expect(calls.some((c) => c[0] === 'repo')).toBe(false);
  });
});

describe('withoutCredentials', () => {
  it('hides the user information of any URL, and nothing else', () => {
    expect(
      withoutCredentials(
        'Get "https://u:p@a.example/index.yaml": x; oci://bot:tok@ghcr.io/c and file://../c, http://h/x@y',
      ),
    ).toBe(
      'Get "https://***@a.example/index.yaml": x; oci://***@ghcr.io/c and file://../c, http://h/x@y',
    );
  });
});
