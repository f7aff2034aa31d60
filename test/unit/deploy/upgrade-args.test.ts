import { describe, expect, it } from 'vitest';
import { upgradeArgs } from '../../../src/deploy/upgrade.js';

const s = {
  release: 'web',
  namespace: 'dev',
  createNamespace: true,
  valuesFiles: ['/ws/chart/environments/dev.yaml'],
  overrides: ['replicaCount=2'],
  imageTag: '1.2.3',
  imageDigest: '',
  imageValues: ['image'],
  timeoutMs: 90_000,
  wait: 'watch' as const,
  rollbackOnFailure: true,
  historyMax: 5,
  chart: { kind: 'local' as const, path: '/ws/chart/hotswap' },
};

describe('upgradeArgs', () => {
  it('helm 4, our watch: no --wait, server-side apply, secrets as a file only', () => {
    const args = upgradeArgs(s, {
      major: 4,
      chartRef: '/ws/chart/hotswap',
      secretValuesFile: '/tmp/x/secret-values.yaml',
    });
    expect(args).toEqual([
      'upgrade',
      'web',
      '/ws/chart/hotswap',
      '--install',
      '-n',
      'dev',
      '--create-namespace',
      '--reset-values',
      '-f',
      '/ws/chart/environments/dev.yaml',
      '-f',
      '/tmp/x/secret-values.yaml',
      '--set',
      'replicaCount=2',
      '--set-string',
      'image.tag=1.2.3',
      '--history-max',
      '5',
      '--timeout',
      '90s',
      '-o',
      'json',
      '--server-side=true',
    ]);
  });

  it("helm's own wait: --wait=watcher --rollback-on-failure on helm 4, --wait --atomic on helm 3", () => {
    const h4 = upgradeArgs({ ...s, wait: 'helm' }, { major: 4, chartRef: 'c' });
    expect(h4.slice(-2)).toEqual(['--wait=watcher', '--rollback-on-failure']);
    const h3 = upgradeArgs({ ...s, wait: 'helm' }, { major: 3, chartRef: 'c' });
    expect(h3.slice(-2)).toEqual(['--wait', '--atomic']);
    expect(h3).not.toContain('--server-side=true');
    expect(
      upgradeArgs({ ...s, wait: 'helm', rollbackOnFailure: false }, { major: 3, chartRef: 'c' }).at(
        -1,
      ),
    ).toBe('--wait');
  });

  it("resets the values even when given none, so helm never reuses the previous revision's", () => {
    const bare = { ...s, valuesFiles: [], overrides: [], imageTag: '', imageValues: [] };
    for (const major of [3, 4] as const) {
      const args = upgradeArgs(bare, { major, chartRef: 'c' });
      expect(args).toContain('--reset-values');
      expect(args).not.toContain('--reuse-values');
      expect(args).not.toContain('-f');
    }
  });

  it('dry runs render only; oci charts carry their version', () => {
    const args = upgradeArgs(
      {
        ...s,
        chart: {
          kind: 'oci',
          ref: 'oci://r/c',
          version: '1.0.0',
          username: '',
          password: '',
          plainHttp: true,
        },
      },
      { major: 4, chartRef: 'oci://r/c', dryRun: 'server' },
    );
    expect(args).toContain('--dry-run=server');
    expect(args).not.toContain('--server-side=true');
    expect(args.slice(6, 9)).toEqual(['--version', '1.0.0', '--plain-http']);
  });

  it('pins the version of a chart from a chart repository, added under our own name', () => {
    const chart = {
      kind: 'repository' as const,
      url: 'https://charts.example.com',
      name: 'podinfo',
      version: '6.14.1',
      username: 'ci',
      password: 'never-on-argv',
    };
    const args = upgradeArgs(
      { ...s, chart },
      { major: 4, chartRef: 'hotswap-chart-repository/podinfo' },
    );
    expect(args.slice(0, 8)).toEqual([
      'upgrade',
      'web',
      'hotswap-chart-repository/podinfo',
      '--install',
      '-n',
      'dev',
      '--version',
      '6.14.1',
    ]);
    expect(args.join(' ')).not.toContain('never-on-argv');
  });
});
