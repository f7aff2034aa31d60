import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeploySettings } from '../../../src/deploy/settings.js';
import { parseReleaseName } from '../../../src/inputs/cluster.js';

const ws = mkdtempSync(path.join(tmpdir(), 'settings-ws-'));
mkdirSync(path.join(ws, 'chart/hotswap'), { recursive: true });
writeFileSync(path.join(ws, 'chart/hotswap/Chart.yaml'), 'name: hotswap\n');
writeFileSync(path.join(ws, 'dev.yaml'), 'replicaCount: 1\n');
symlinkSync('/etc/hostname', path.join(ws, 'escape.yaml'));

/** 9 levels of 9 aliases: a few hundred bytes that expand to 9^9 leaves. */
export function aliasBomb(leaf = 'lol'): string {
  let text = `l0: &l0 [${Array(9).fill(leaf).join(', ')}]\n`;
  for (let i = 1; i <= 9; i++)
    text += `l${i}: &l${i} [${Array(9)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  return text;
}
writeFileSync(path.join(ws, 'bomb.yaml'), aliasBomb());
writeFileSync(path.join(ws, 'anchors.yaml'), 'base: &b {cpu: 1}\nweb: *b\nworker: *b\n');

const read = (inputs: Record<string, string>) => (name: string) =>
  ({ release: 'web', chart: 'chart/hotswap', namespace: 'dev', ...inputs })[name] ?? '';

describe('parseDeploySettings', () => {
  it('reads valid inputs with defaults', () => {
    const s = parseDeploySettings(
      read({ 'values-files': 'dev.yaml', 'secret-values': 'db:\n  password: x1y2z3' }),
      { workspace: ws },
    );
    expect(s).toMatchObject({
      release: 'web',
      namespace: 'dev',
      chart: { kind: 'local' },
      wait: 'watch',
      timeoutMs: 300_000,
      historyMax: 10,
      rollbackOnFailure: true,
      stuckMaxAgeMs: 600_000,
      stableForMs: 0,
      secretValues: { db: { password: 'x1y2z3' } },
      requireRollout: false,
    });
    expect(s.valuesFiles).toEqual([path.join(ws, 'dev.yaml')]);
  });

  it('rejects a values file that escapes the workspace through a symlink', () => {
    expect(() =>
      parseDeploySettings(read({ 'values-files': 'escape.yaml' }), { workspace: ws }),
    ).toThrow(/Invalid input 'values-files'.*inside the workspace/);
  });

  it('says what a missing chart or values file should have been', () => {
    expect(() => parseDeploySettings(read({ chart: 'charts/x/nope' }), { workspace: ws })).toThrow(
      `Invalid input 'chart': "charts/x/nope". Expected an existing chart directory or .tgz inside the workspace (it does not exist).`,
    );
    // a chart repository's `repo/chart` or a URL, even with a version: chart-repository says which
    for (const chart of ['bitnami/nginx', 'https://charts.example.com/nginx-1.0.0.tgz']) {
      expect(() =>
        parseDeploySettings(read({ chart, 'chart-version': '1.0.0' }), { workspace: ws }),
      ).toThrow(
        `Invalid input 'chart': "${chart}". Expected a chart directory or .tgz inside the workspace, or an oci:// reference (for a chart from a chart repository, set chart-repository to the repository's URL and chart to the chart's name).`,
      );
    }
    expect(() =>
      parseDeploySettings(read({ 'values-files': 'nope.yaml' }), { workspace: ws }),
    ).toThrow(`Expected an existing file inside the workspace (it does not exist).`);
  });

  it('never repeats secret values in an error', () => {
    let message = '';
    try {
      parseDeploySettings(read({ 'secret-values': 'token: [hunter2-secret' }), { workspace: ws });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Invalid input 'secret-values'/);
    expect(message).not.toContain('hunter2');
  });

  it('reads require-rollout as a boolean and names it when it is not one', () => {
    expect(
      parseDeploySettings(read({ 'require-rollout': 'true' }), { workspace: ws }).requireRollout,
    ).toBe(true);
    expect(() =>
      parseDeploySettings(read({ 'require-rollout': 'always' }), { workspace: ws }),
    ).toThrow(/Invalid input 'require-rollout'.*always/);
  });

  it('reads stable-for as a duration, off by default, and names it when it is not one', () => {
    const stableFor = (v: string) =>
      parseDeploySettings(read({ 'stable-for': v }), { workspace: ws }).stableForMs;
    expect(stableFor('')).toBe(0);
    expect(stableFor('0s')).toBe(0);
    expect(stableFor('30s')).toBe(30_000);
    expect(stableFor('2m')).toBe(120_000);
    expect(() => stableFor('90')).toThrow(
      /Invalid input 'stable-for': "90". Expected a duration such as '90s'/,
    );
  });

  it('stops an alias bomb in secret-values or a values file at once, naming the input', () => {
    for (const [input, bad, name] of [
      [{ 'secret-values': aliasBomb('Secret-Bomb-Leaf') }, 'secret-values', /too many aliases/],
      [{ 'values-files': 'bomb.yaml' }, 'values-files', /bomb\.yaml.*too many aliases/],
    ] as const) {
      const started = Date.now();
      let message = '';
      try {
        parseDeploySettings(read(input), { workspace: ws });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(new RegExp(`^Invalid input '${bad}'`));
      expect(message).toMatch(name);
      expect(message).not.toContain('Secret-Bomb-Leaf');
      expect(Date.now() - started).toBeLessThan(2000);
    }
    // Ordinary anchors still work.
    const s = parseDeploySettings(read({ 'values-files': 'anchors.yaml' }), { workspace: ws });
    expect(s.valuesFiles).toHaveLength(1);
  });

  it('caps the size of secret-values', () => {
    const big = `blob: ${'x'.repeat(1024 * 1024)}\n`;
    expect(() => parseDeploySettings(read({ 'secret-values': big }), { workspace: ws })).toThrow(
      /Invalid input 'secret-values'.*more than the limit of 1024 KiB/,
    );
  });

  it.each([
    ['--post-renderer=/bin/sh'],
    ['-f=/etc/passwd'],
    ['image tag=1'],
    ['.leading.dot=1'],
    ['a..b=1'],
    ['list[x]=1'],
    ['no-equals-sign'],
  ])('refuses set line %j as input, naming set', (line) => {
    expect(() =>
      parseDeploySettings(read({ set: `replicaCount=2\n${line}` }), { workspace: ws }),
    ).toThrow(
      `Invalid input 'set': ${JSON.stringify(line)}. Expected one 'key=value' per line, the key a helm value path`,
    );
  });

  it('accepts set keys that are helm value paths', () => {
    const set = [
      'image.tag=1.2.3',
      'env[0].name=A',
      'podAnnotations.hotswap\\.dev/simulate=crash-loop',
      'config.url=http://x?a=b,c=d',
    ].join('\n');
    expect(parseDeploySettings(read({ set }), { workspace: ws }).overrides).toHaveLength(4);
  });

  it('reads chart-version of an oci:// chart as semver, naming the input otherwise', () => {
    const oci = (version: string) =>
      parseDeploySettings(
        read({ chart: 'oci://registry.example.com/charts/hotswap', 'chart-version': version }),
        { workspace: ws },
      ).chart;
    expect(oci('1.2.3')).toMatchObject({ kind: 'oci', version: '1.2.3' });
    expect(oci('v2.0.0-rc.1+build.5')).toMatchObject({ version: 'v2.0.0-rc.1+build.5' });
    for (const bad of ['1.2', '01.2.3', '1.2.3-', 'latest'])
      expect(() => oci(bad), bad).toThrow(/Invalid input 'chart-version'.*semantic version/);
  });

  it('reads a chart from a chart-repository: its name there, a pinned version, credentials paired', () => {
    const repo = (inputs: Record<string, string>) =>
      parseDeploySettings(
        read({
          chart: 'podinfo',
          'chart-repository': 'https://charts.example.com/podinfo/',
          'chart-version': '6.14.1',
          ...inputs,
        }),
        { workspace: ws },
      ).chart;
    expect(repo({})).toEqual({
      kind: 'repository',
      url: 'https://charts.example.com/podinfo/',
      name: 'podinfo',
      version: '6.14.1',
      username: '',
      password: '',
    });
    expect(repo({ 'registry-username': 'ci', 'registry-password': 's3cret' })).toMatchObject({
      username: 'ci',
      password: 's3cret',
    });
    expect(() => repo({ 'chart-version': '' })).toThrow(
      `Invalid input 'chart-version': "". Expected a chart version when chart is from a chart-repository.`,
    );
    expect(() => repo({ 'chart-version': 'latest' })).toThrow(/'chart-version'.*semantic version/);
    expect(() => repo({ chart: 'podinfo/podinfo' })).toThrow(
      `Invalid input 'chart': "podinfo/podinfo". Expected the chart's name in chart-repository, such as podinfo`,
    );
    for (const url of ['charts.example.com', 'oci://registry.example.com/charts', 'file:///tmp/x'])
      expect(() => repo({ 'chart-repository': url }), url).toThrow(
        `Invalid input 'chart-repository': "${url}". Expected the http(s) URL of a chart repository`,
      );
    // Credentials in the URL would go on helm's command line; the message does not repeat them.
    expect(() => repo({ 'chart-repository': 'https://ci:tok3n@charts.example.com' })).toThrow(
      `Invalid input 'chart-repository': "https://***@charts.example.com". Expected a URL without credentials (give them as registry-username and registry-password).`,
    );
    expect(() => repo({ 'registry-username': 'ci' })).toThrow(/given together/);
  });

  it('applies helm release name rules', () => {
    expect(parseReleaseName('release', 'my-app.v2')).toBe('my-app.v2');
    expect(() => parseReleaseName('release', 'x'.repeat(54))).toThrow(/at most 53/);
    expect(() => parseReleaseName('release', 'App')).toThrow(/Invalid input 'release'/);
  });
});
