import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseInputs, tokenFor } from '../../../src/setup/inputs.js';
import { PINNED } from '../../../src/tools/pinned.js';
import { loadActionYaml, REPO_ROOT } from '../../support/run-action.js';

const meta = loadActionYaml(path.join(REPO_ROOT, 'actions/setup'));
const defaults = Object.fromEntries(
  Object.entries(meta.inputs ?? {}).map(([k, v]) => [k, v.default ?? '']),
);
/** Reads like the runner: action.yml defaults under the given inputs. */
const reader = (given: Record<string, string>) => (name: string) => {
  if (!(name in defaults)) throw new Error(`action.yml has no input '${name}'`);
  return given[name] ?? defaults[name]!;
};

describe('action.yml defaults', () => {
  test('pinned versions match src/tools/pinned-versions.json', () => {
    expect(defaults['kubectl-version']).toBe(PINNED.kubectl);
    expect(defaults['kind-version']).toBe(PINNED.kind);
    expect(defaults['kwok-version']).toBe(PINNED.kwok);
    expect(defaults['kubernetes-version']).toBe(PINNED.kubernetes);
    expect(defaults['etcd-version']).toBe(PINNED.etcd);
  });

  test('read as a whole: helm 4, pinned kubectl, no kind, no cluster', () => {
    const inputs = parseInputs(reader({ token: '' }));
    expect(inputs.helm.spec).toEqual({ kind: 'range', major: 4, minor: undefined, text: '4' });
    expect(inputs.kubectl.spec).toEqual({ kind: 'exact', version: PINNED.kubectl });
    expect(inputs.kind.install).toBe(false);
    expect(inputs.cluster).toBe('none');
    expect(inputs.clusterName).toBe('hotswap');
    expect(inputs.waitMs).toBe(120_000);
    expect(inputs.githubApiUrl).toBe('https://api.github.com');
    expect(inputs.kwok.nodes).toBe(1);
  });

  test('empty version inputs fall back to the pinned versions', () => {
    const inputs = parseInputs(
      reader({
        'kubectl-version': '',
        'kind-version': ' ',
        'kwok-version': '',
        'etcd-version': '',
      }),
    );
    expect(inputs.kubectl.spec).toEqual({ kind: 'exact', version: PINNED.kubectl });
    expect(inputs.kind.spec).toEqual({ kind: 'exact', version: PINNED.kind });
    expect(inputs.kwok.version).toBe(PINNED.kwok);
    expect(inputs.kwok.etcdVersion).toBe(PINNED.etcd);
  });
});

describe('parsing', () => {
  test('mirrors lose trailing slashes; digests are lower-cased', () => {
    const inputs = parseInputs(
      reader({
        'helm-mirror': 'https://mirror.example.com/get.helm.sh/',
        'helm-sha256': 'AB'.repeat(32),
      }),
    );
    expect(inputs.helm.mirror).toBe('https://mirror.example.com/get.helm.sh');
    expect(inputs.helm.sha256).toBe('ab'.repeat(32));
  });

  test('a mirror URL with credentials is refused without echoing them', () => {
    expect(() =>
      parseInputs(reader({ 'helm-mirror': 'https://user:s3cret@mirror.example.com/' })),
    ).toThrow(/Invalid input 'helm-mirror': "\*\*\*"\. Expected .*without credentials/);
  });

  test.each([
    [{ 'helm-mirror': 'https://m.example.com/x?token=1' }, 'helm-mirror'],
    [{ 'kind-node-image': 'kindest/node:v1.36.3 --privileged' }, 'kind-node-image'],
    [{ 'cluster-name': '1cluster' }, 'cluster-name'],
    [{ 'cluster-name': 'a'.repeat(41) }, 'cluster-name'],
    [{ 'kwok-version': 'latest' }, 'kwok-version'],
    [{ 'kubernetes-version': '1.36' }, 'kubernetes-version'],
    [{ 'kwok-nodes': '101' }, 'kwok-nodes'],
    [{ wait: '-5s' }, 'wait'],
  ])('%j is refused, naming %s', (given, input) => {
    expect(() => parseInputs(reader(given))).toThrow(`Invalid input '${input}'`);
  });

  test('cluster: kwok needs the kwok digests from somewhere', () => {
    expect(() => parseInputs(reader({ cluster: 'kwok' }))).toThrow(/publishes no checksum file/);
    expect(
      parseInputs(
        reader({
          cluster: 'kwok',
          'kwok-sha256': 'a'.repeat(64),
          'kwokctl-sha256': 'b'.repeat(64),
        }),
      ).cluster,
    ).toBe('kwok');
    expect(
      parseInputs(reader({ cluster: 'kwok', 'kwok-mirror': 'http://127.0.0.1:1/kwok' })).kwok
        .mirror,
    ).toBe('http://127.0.0.1:1/kwok');
  });
});

describe('the token goes only to the GitHub that issued it', () => {
  test.each([
    ['https://api.github.com', 'https://api.github.com', true],
    ['https://api.github.com/', 'https://api.github.com', true],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000', true],
    // On GitHub Enterprise Server the runner's token is not sent to github.com.
    ['https://api.github.com', 'https://ghes.example.com/api/v3', false],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4001', false],
  ])('look-ups at %s, runner API %s: sent %s', (apiUrl, runnerApi, sent) => {
    expect(tokenFor(apiUrl, 'tok', runnerApi)).toBe(sent ? 'tok' : undefined);
  });

  test('outside a runner (no GITHUB_API_URL) a given token is used; an empty one never', () => {
    expect(tokenFor('https://api.github.com', 'tok', undefined)).toBe('tok');
    expect(tokenFor('https://api.github.com', '', 'https://api.github.com')).toBeUndefined();
  });
});
