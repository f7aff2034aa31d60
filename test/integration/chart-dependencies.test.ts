// Local charts with dependencies, with real helm: vendored ones install with
// no network, file:// ones are built offline, and one that cannot be fetched
// fails the deploy bundle with the chart's and the dependency's names before
// any call reaches a cluster; the lint bundle builds them too before linting.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChartDependencyError,
  ensureChartDependencies,
  repositoryName,
} from '../../src/helm/chart-dependencies.js';
import { Helm } from '../../src/helm/helm.js';
import { ensureBundle } from '../support/bundle.js';
import { serveChartRepository } from '../support/chart-repository.js';
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

  it('adds the http repository helm wants added when a Chart.lock exists, then builds', async () => {
    const repo = await serveChartRepository([PODINFO]);
    try {
      const { chart } = workspace(repo.url, false);
      const env = {
        HELM_REPOSITORY_CONFIG: path.join(repo.dir, 'repositories.yaml'),
        HELM_REPOSITORY_CACHE: path.join(repo.dir, 'cache'),
      };
      const withConfig = new Helm({ bin: toolPath('helm'), major: 4, env });
      // Without a Chart.lock helm takes the URL as it is, and writes the lock.
      expect(await ensureChartDependencies(withConfig, chart)).toMatch(/fetched podinfo$/);
      expect(existsSync(path.join(chart, 'Chart.lock'))).toBe(true);
      expect(existsSync(env.HELM_REPOSITORY_CONFIG)).toBe(false);
      // With it, `helm dependency build` alone refuses: "no repository definition for ...".
      rmSync(path.join(chart, 'charts'), { recursive: true });
      const bare = await withConfig.run(['dependency', 'build', chart], { allowFailure: true });
      expect(bare.stderr).toContain(`no repository definition for ${repo.url}`);
      expect(await ensureChartDependencies(withConfig, chart)).toMatch(/fetched podinfo$/);
      expect(readdirSync(path.join(chart, 'charts'))).toEqual(['podinfo-6.14.1.tgz']);
      expect(readFileSync(env.HELM_REPOSITORY_CONFIG, 'utf8')).toContain(
        `name: ${repositoryName(repo.url)}`,
      );
      // helm 3 does the same with the repository now added.
      rmSync(path.join(chart, 'charts'), { recursive: true });
      const helm3 = new Helm({ bin: toolPath('helm3'), major: 3, env });
      expect(await ensureChartDependencies(helm3, chart)).toMatch(/fetched podinfo$/);
    } finally {
      await repo.close();
    }
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

describe('the lint bundle', () => {
  beforeAll(() => ensureBundle('lint'), 300_000);

  const lint = (dir: string) =>
    runAction('lint', {
      inputs: { chart: 'charts/shop', environments: 'dev', 'values-files': '' },
      workspace: dir,
      env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
    });

  it('builds a missing file:// dependency first, and lints the chart with it', async () => {
    const { dir, chart } = workspace('file://../../podinfo', false);
    const run = await lint(dir);
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('pass');
    expect(run.stdout).toContain('dependencies: chart ');
    expect(run.summary).toMatch(
      /^\| \(chart\) \| dependencies \| ✅ pass \| chart '.*charts\/shop': helm dependency build fetched podinfo \|$/m,
    );
    expect(readdirSync(path.join(chart, 'charts'))).toEqual(['podinfo-6.14.1.tgz']);
    // podinfo's Deployment, rendered under its alias with the umbrella's values.
    const files = JSON.parse(run.outputs.manifests!) as Record<string, Record<string, string>>;
    const manifest = readFileSync(files.dev!['1.36']!, 'utf8');
    expect(manifest).toMatch(/kind: Deployment\nmetadata:\n {2}name: shop-frontend\n/);
    expect(manifest).toMatch(/replicas: 2/);
  });

  it("reports a dependency it cannot fetch on Chart.yaml's dependencies, with helm's reason", async () => {
    const { dir } = workspace(UNREACHABLE, false);
    const run = await lint(dir);
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('fail');
    expect(run.summary).toMatch(
      /^\| \(chart\) \| dependencies \| ❌ fail \(1 error\) \| helm dependency build failed: .*connection refused/m,
    );
    expect(run.stdout).toMatch(
      /::error title=dependencies,file=charts\/shop\/Chart.yaml,line=4::dependency 'podinfo' 6\.14\.1 from http:\/\/127\.0\.0\.1:1\/charts \(missing\) could not be fetched \(.*connection refused.*\)\. Vendor it under/,
    );
    // One cause, one error: helm would only repeat it for each set and check.
    expect(run.stdout.match(/^::error title=/gm)).toHaveLength(1);
    expect(run.summary).toMatch(
      /^\| dev \| helm lint \| ⏭️ skipped \| skipped: the chart's dependencies could not be fetched \|$/m,
    );
    expect(run.summary).toMatch(/^\| dev \| helm template \| ⏭️ skipped \|/m);
    // The values are still checked.
    expect(run.summary).toMatch(/^\| dev \| values \| ✅ pass \|/m);
  });

  it('leaves a Chart.yaml helm cannot load to helm lint', async () => {
    const { dir, chart } = workspace('file://../../podinfo', false);
    const chartYaml = path.join(chart, 'Chart.yaml');
    writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace('version: 1.0.0\n', ''));
    const run = await lint(dir);
    expect(run.code).toBe(1);
    expect(run.summary).not.toContain('| dependencies |');
    expect(run.stdout).toMatch(/::error title=helm lint \[dev\].*version is required/);
  });

  it('asks helm nothing about a chart without dependencies: no dependencies row', async () => {
    const run = await runAction('lint', {
      inputs: {
        chart: path.join('test/fixtures/charts/podinfo'),
        environments: '',
        'ci-values': 'true',
      },
      env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
    });
    expect(run.summary).not.toContain('| dependencies |');
  });
});
