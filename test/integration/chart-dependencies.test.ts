// Local charts with dependencies, with real helm: vendored ones install with
// no network, file:// ones are built offline, and one that cannot be fetched
// fails the deploy bundle with the chart's and the dependency's names before
// any call reaches a cluster.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChartDependencyError,
  ensureChartDependencies,
} from '../../src/deploy/chart-dependencies.js';
import { Helm } from '../../src/helm/helm.js';
import { ensureBundle } from '../support/bundle.js';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { TOOLS_BIN, toolPath } from '../support/tools.js';

const PODINFO = path.join(REPO_ROOT, 'test/fixtures/charts/podinfo');
// Nothing listens on port 1 of loopback: "could not be fetched" without a network.
const UNREACHABLE = 'http://127.0.0.1:1/charts';

/** A workspace holding an umbrella chart over the vendored podinfo chart. */
function workspace(repository: string, vendored: boolean): { dir: string; chart: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'deps-ws-'));
  const chart = path.join(dir, 'charts/shop');
  mkdirSync(path.join(chart, 'templates'), { recursive: true });
  cpSync(PODINFO, path.join(dir, 'podinfo'), { recursive: true });
  writeFileSync(
    path.join(chart, 'Chart.yaml'),
    [
      'apiVersion: v2',
      'name: shop',
      'version: 1.0.0',
      'dependencies:',
      '  - name: podinfo',
      '    version: 6.14.1',
      `    repository: ${repository}`,
      '    alias: frontend',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(chart, 'values.yaml'), 'frontend:\n  replicaCount: 2\n');
  if (vendored) cpSync(PODINFO, path.join(chart, 'charts/podinfo'), { recursive: true });
  return { dir, chart };
}

let helm: Helm;
beforeAll(async () => {
  helm = new Helm({ bin: toolPath('helm'), major: 4 });
});

describe('ensureChartDependencies with real helm', () => {
  it('builds a file:// dependency offline, and the chart renders with it', async () => {
    const { chart } = workspace('file://../../podinfo', false);
    expect(await ensureChartDependencies(helm, chart)).toMatch(
      /helm dependency build fetched podinfo$/,
    );
    expect(readdirSync(path.join(chart, 'charts'))).toEqual(['podinfo-6.14.1.tgz']);
    const rendered = await helm.run(['template', 'shop', chart], { rawOutput: true });
    expect(rendered.stdout).toContain('name: shop-frontend');
    expect(rendered.stdout).toMatch(/replicas: 2/);
    // A second run finds everything in place and builds nothing.
    expect(await ensureChartDependencies(helm, chart)).toMatch(/1 dependency vendored/);
  });

  it('leaves a vendored dependency alone even when its repository is unreachable', async () => {
    const { chart } = workspace(UNREACHABLE, true);
    expect(await ensureChartDependencies(helm, chart)).toMatch(/1 dependency vendored/);
    expect(existsSync(path.join(chart, 'Chart.lock'))).toBe(false);
  });

  it('names the chart and the dependency that cannot be fetched', async () => {
    const { chart } = workspace(UNREACHABLE, false);
    const error = await ensureChartDependencies(helm, chart).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ChartDependencyError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `dependency 'podinfo' 6.14.1 from ${UNREACHABLE} \\(missing\\) could not be fetched`,
      ),
    );
    expect((error as Error).message).toContain(chart);
    // helm's cause, not the follow-up "no cached repository" error.
    expect((error as Error).message).toContain('connect: connection refused');
  });

  it('helm 3 reports the same statuses', async () => {
    const helm3 = new Helm({ bin: toolPath('helm3'), major: 3 });
    const vendored = workspace(UNREACHABLE, true).chart;
    expect(await ensureChartDependencies(helm3, vendored)).toMatch(/1 dependency vendored/);
    const missing = workspace(UNREACHABLE, false).chart;
    await expect(ensureChartDependencies(helm3, missing)).rejects.toThrow(
      /dependency 'podinfo' 6.14.1 .* could not be fetched/,
    );
  });
});

describe('the deploy bundle', () => {
  beforeAll(() => ensureBundle('deploy'), 300_000);

  it('fails on a dependency it cannot fetch before any call reaches the cluster', async () => {
    const { dir } = workspace(UNREACHABLE, false);
    // A cluster that does not exist: any call to it would fail with a connection error.
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: none, user: {token: x}}]',
        'contexts: [{name: none, context: {cluster: none, user: none}}]',
        'current-context: none',
        '',
      ].join('\n'),
    );
    const run = await runAction('deploy', {
      inputs: { release: 'shop', chart: 'charts/shop', namespace: 'dev', kubeconfig },
      workspace: dir,
      env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::.*chart 'charts\/shop': dependency 'podinfo' 6\.14\.1 from http:\/\/127\.0\.0\.1:1\/charts \(missing\) could not be fetched/,
    );
    expect(run.stdout).not.toMatch(/connection refused.*127\.0\.0\.1:1[^/]/);
    expect(run.outputs.status).toBe('failed');
  });
});
