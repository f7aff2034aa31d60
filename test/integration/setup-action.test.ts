// actions/setup, the built bundle run as the runner runs it, against the
// loopback tools mirror and a loopback stand-in for the GitHub releases API.
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { recordedHelmVersion } from '../../src/helm/version-record.js';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';
import { fixtureReleases, startReleasesApi, type ReleasesApi } from '../support/github-releases.js';
import { ensureBundle } from '../support/bundle.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import {
  copyMirror,
  filesUnder,
  MIRROR_ROOT,
  mirrorBase,
  mirrorInputs,
} from '../support/setup-mirror.js';
import { startThrottledProxy } from '../support/throttle.js';
import { tempDir } from '../support/temp-dir.js';

const HELM4 = 'get.helm.sh/helm-v4.3.1-linux-amd64.tar.gz';
const KUBECTL = 'dl.k8s.io/release/v1.36.3/bin/linux/amd64/kubectl';
const TOKEN = 'ghs_0123456789abcdefTESTTOKEN';

let mirror: MirrorServer;
let api: ReleasesApi;

beforeAll(async () => {
  await ensureBundle('setup');
  mirror = await startMirror(MIRROR_ROOT);
  api = await startReleasesApi({
    'helm/helm': fixtureReleases('helm/helm'),
    'kubernetes-sigs/kind': fixtureReleases('kubernetes-sigs/kind'),
  });
});

afterAll(async () => {
  await mirror?.close();
  await api?.close();
});

function setup(
  inputs: Record<string, string>,
  options: Parameters<typeof runAction>[1] = {},
): Promise<ActionRun> {
  return runAction('setup', {
    ...options,
    // The loopback API stands in for the runner's own GitHub, whose token this is.
    env: { GITHUB_API_URL: api.url, ...options.env },
    inputs: { token: TOKEN, 'github-api-url': api.url, ...mirrorInputs(mirror.url), ...inputs },
  });
}

const log = (run: ActionRun) => `${run.stdout}\n${run.stderr}`;
const sidecarDigest = (rel: string) =>
  readFileSync(path.join(MIRROR_ROOT, `${rel}.sha256`), 'utf8').trim();
const newRunnerDir = () => tempDir('runner-setup-');
const toolEntries = (runnerDir: string, tool: string) =>
  filesUnder(path.join(runnerDir, 'tool-cache', tool));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('install from the mirror', () => {
  test('helm 4, kubectl and kind install, verify and land on PATH; a second run is a cache hit with no download', async () => {
    const runnerDir = newRunnerDir();
    const before = mirror.requests.length;
    const first = await setup({ 'helm-version': '4', 'install-kind': 'true' }, { runnerDir });
    expect(first.code, log(first)).toBe(0);
    expect(first.outputs).toMatchObject({
      'helm-version': 'v4.3.1',
      'helm-major': '4',
      'kubectl-version': 'v1.36.3',
      'kind-version': 'v0.33.0',
      'cache-hit': 'false',
    });
    const cache = path.join(runnerDir, 'tool-cache');
    for (const tool of ['helm', 'kubectl', 'kind']) {
      const bin = first.outputs[`${tool}-path`]!;
      expect(bin.startsWith(cache)).toBe(true);
      expect(statSync(bin).mode & 0o111).not.toBe(0);
      expect(first.addedPath).toContain(path.dirname(bin));
    }
    expect(
      execFileSync(first.outputs['helm-path']!, ['version', '--short'], { encoding: 'utf8' }),
    ).toMatch(/^v4\.3\.1/);
    expect(
      execFileSync(first.outputs['kubectl-path']!, ['version', '--client'], { encoding: 'utf8' }),
    ).toContain('v1.36.3');
    expect(execFileSync(first.outputs['kind-path']!, ['version'], { encoding: 'utf8' })).toContain(
      'v0.33.0',
    );

    const downloads = mirror.requests.slice(before);
    expect(downloads).toEqual(
      expect.arrayContaining([
        `/${HELM4}`,
        `/${HELM4}.sha256sum`,
        `/${KUBECTL}`,
        `/${KUBECTL}.sha256`,
        '/github.com/kubernetes-sigs/kind/releases/download/v0.33.0/kind-linux-amd64',
        '/github.com/kubernetes-sigs/kind/releases/download/v0.33.0/kind-linux-amd64.sha256sum',
      ]),
    );
    expect(first.summary).toContain('Helm **4** (v4.3.1)');
    // Recorded for the job's later steps, which then need not run `helm version`.
    expect(
      recordedHelmVersion(first.outputs['helm-path']!, {
        RUNNER_TEMP: path.join(runnerDir, 'temp'),
      }),
    ).toBe('v4.3.1');
    expect(first.summary).toContain(`downloaded from ${mirror.url}/${HELM4}`);
    // The look-up went to the API with the token, and the token went nowhere else.
    expect(
      api.requests.some(
        (r) =>
          r.path.startsWith('/repos/helm/helm/releases') && r.authorization === `Bearer ${TOKEN}`,
      ),
    ).toBe(true);
    // Registered with the runner for masking (`::add-mask::`), and printed nowhere else.
    expect(first.stdout).toContain(`::add-mask::${TOKEN}`);
    const unmasked = first.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    for (const text of [
      unmasked.join('\n'),
      first.stderr,
      first.summary,
      JSON.stringify(first.outputs),
    ])
      expect(text).not.toContain(TOKEN);

    const mark = mirror.requests.length;
    const second = await setup({ 'helm-version': '4', 'install-kind': 'true' }, { runnerDir });
    expect(second.code, log(second)).toBe(0);
    expect(mirror.requests.slice(mark)).toEqual([]);
    expect(second.outputs['cache-hit']).toBe('true');
    expect(second.outputs['helm-path']).toBe(first.outputs['helm-path']);
    expect(second.summary).toContain('| helm | 4 | v4.3.1 | tool cache |');
  });

  test("helm 3: '3' resolves to the newest 3.x release and the summary names the major", async () => {
    const mark = api.requests.length;
    // A runner of another GitHub (Enterprise Server): its token stays home.
    const run = await setup(
      { 'helm-version': '3' },
      { env: { GITHUB_API_URL: 'https://ghes.example.com/api/v3' } },
    );
    expect(run.code, log(run)).toBe(0);
    const lookups = api.requests.slice(mark);
    expect(lookups.length).toBeGreaterThan(0);
    for (const r of lookups) expect(r.authorization).toBeUndefined();
    expect(run.outputs['helm-version']).toBe('v3.22.0');
    expect(run.outputs['helm-major']).toBe('3');
    expect(
      execFileSync(run.outputs['helm-path']!, ['version', '--short'], { encoding: 'utf8' }),
    ).toMatch(/^v3\.22\.0/);
    expect(run.summary).toContain("Helm **3** (v3.22.0), resolved from '3'");
  });

  test('an exact version needs no look-up: it installs with the API unreachable', async () => {
    const port = await closedPort();
    const run = await setup({
      'helm-version': 'v3.22.0',
      'github-api-url': `http://127.0.0.1:${port}`,
    });
    expect(run.code, log(run)).toBe(0);
    expect(run.outputs['helm-version']).toBe('v3.22.0');
  });
});

describe('sha256 verification fails closed', () => {
  test('a pinned sha256 that does not match names the file and both digests and caches nothing', async () => {
    const runnerDir = newRunnerDir();
    const pinned = 'ab'.repeat(32);
    const run = await setup({ 'helm-version': 'v4.3.1', 'helm-sha256': pinned }, { runnerDir });
    expect(run.code).toBe(1);
    const out = log(run);
    expect(out).toContain('sha256 mismatch for helm-v4.3.1-linux-amd64.tar.gz');
    expect(out).toContain(`expected ${pinned} (pinned by 'helm-sha256')`);
    expect(out).toContain(`got ${sidecarDigest(HELM4)}`);
    expect(toolEntries(runnerDir, 'helm')).toEqual([]);
    expect(
      filesUnder(path.join(runnerDir, 'temp', 'hotswap-setup')).filter((f) => f.startsWith('helm')),
    ).toEqual([]);
  });

  test('a tampered checksum file in the mirror fails the same way', async () => {
    const root = copyMirror([HELM4, `${HELM4}.sha256sum`]);
    const forged = 'cd'.repeat(32);
    writeFileSync(
      path.join(root, `${HELM4}.sha256sum`),
      `${forged}  helm-v4.3.1-linux-amd64.tar.gz\n`,
    );
    const tampered = await startMirror(root);
    try {
      const runnerDir = newRunnerDir();
      const run = await setup(
        {
          'helm-version': 'v4.3.1',
          'helm-mirror': mirrorBase(tampered.url, 'https://get.helm.sh'),
        },
        { runnerDir },
      );
      expect(run.code).toBe(1);
      const out = log(run);
      expect(out).toContain('sha256 mismatch for helm-v4.3.1-linux-amd64.tar.gz');
      expect(out).toContain(`expected ${forged} (from ${tampered.url}/${HELM4}.sha256sum)`);
      expect(out).toContain(`got ${sidecarDigest(HELM4)}`);
      expect(toolEntries(runnerDir, 'helm')).toEqual([]);
    } finally {
      await tampered.close();
    }
  });

  test('a pinned sha256 that matches is accepted, and a cached copy is trusted only for the digest it was installed from', async () => {
    const runnerDir = newRunnerDir();
    const digest = sidecarDigest(HELM4);
    const run = await setup({ 'helm-version': 'v4.3.1', 'helm-sha256': digest }, { runnerDir });
    expect(run.code, log(run)).toBe(0);
    expect(log(run)).toContain(`sha256 ${digest} verified (pinned by 'helm-sha256')`);

    let mark = mirror.requests.length;
    const again = await setup({ 'helm-version': 'v4.3.1', 'helm-sha256': digest }, { runnerDir });
    expect(again.code, log(again)).toBe(0);
    expect(mirror.requests.slice(mark).filter((p) => p.includes('helm-v4.3.1'))).toEqual([]);

    // Another pin: the cached copy does not prove it, so it is downloaded and checked again.
    mark = mirror.requests.length;
    const other = await setup(
      { 'helm-version': 'v4.3.1', 'helm-sha256': 'ef'.repeat(32) },
      { runnerDir },
    );
    expect(other.code).toBe(1);
    expect(mirror.requests.slice(mark)).toContain(`/${HELM4}`);
    expect(log(other)).toContain(
      `expected ${'ef'.repeat(32)} (pinned by 'helm-sha256'), got ${digest}`,
    );
    // The verified copy already in the cache is left as it was.
    expect(toolEntries(runnerDir, 'helm')).toContain(path.join('4.3.1', 'x64', 'helm'));
  });

  test("kubectl '1.36' resolves through the mirror's release/stable-1.36.txt", async () => {
    const root = copyMirror([KUBECTL, `${KUBECTL}.sha256`]);
    writeFileSync(path.join(root, 'dl.k8s.io/release/stable-1.36.txt'), 'v1.36.3\n');
    const k8s = await startMirror(root);
    try {
      const run = await setup({
        'helm-version': 'v4.3.1',
        'kubectl-version': '1.36',
        'kubectl-mirror': mirrorBase(k8s.url, 'https://dl.k8s.io'),
      });
      expect(run.code, log(run)).toBe(0);
      expect(run.outputs['kubectl-version']).toBe('v1.36.3');
      expect(k8s.requests[0]).toBe('/dl.k8s.io/release/stable-1.36.txt');
      expect(run.summary).toContain('| kubectl | 1.36 | v1.36.3 |');
    } finally {
      await k8s.close();
    }
  });
});

describe('download failures', () => {
  test('HTTP 500 twice, then the file: the download is retried and succeeds', async () => {
    const runnerDir = newRunnerDir();
    mirror.fail(`/${KUBECTL}`, 2, 500);
    const mark = mirror.requests.length;
    const run = await setup({ 'helm-version': 'v4.3.1' }, { runnerDir, timeoutMs: 110_000 });
    expect(run.code, log(run)).toBe(0);
    expect(mirror.requests.slice(mark).filter((p) => p === `/${KUBECTL}`)).toHaveLength(3);
    expect(run.stdout).toContain('Waiting');
    expect(run.outputs['kubectl-version']).toBe('v1.36.3');
    expect(
      execFileSync(run.outputs['kubectl-path']!, ['version', '--client'], { encoding: 'utf8' }),
    ).toContain('v1.36.3');
  }, 110_000);

  test('HTTP 404 is not retried and the error names the URL', async () => {
    const runnerDir = newRunnerDir();
    mirror.fail(`/${KUBECTL}`, 1, 404);
    const mark = mirror.requests.length;
    const run = await setup({ 'helm-version': 'v4.3.1' }, { runnerDir });
    expect(run.code).toBe(1);
    expect(log(run)).toContain(`download failed: GET ${mirror.url}/${KUBECTL}: HTTP 404`);
    expect(mirror.requests.slice(mark).filter((p) => p === `/${KUBECTL}`)).toHaveLength(1);
    expect(toolEntries(runnerDir, 'kubectl')).toEqual([]);
  });

  test('an unreachable version look-up fails loudly, naming the URL, and downloads nothing', async () => {
    const port = await closedPort();
    const mark = mirror.requests.length;
    const run = await setup({ 'helm-version': '4', 'github-api-url': `http://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(log(run)).toContain(
      `version look-up failed: GET http://127.0.0.1:${port}/repos/helm/helm/releases?per_page=100: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(run.outputs['helm-version']).toBeUndefined();
    expect(mirror.requests.slice(mark)).toEqual([]);
  });

  test('a rate-limited look-up says so and suggests the fix', async () => {
    const limited = await startReleasesApi({}, { status: 403 });
    try {
      const run = await setup({ 'helm-version': '4', 'github-api-url': limited.url });
      expect(run.code).toBe(1);
      expect(log(run)).toContain(
        `GET ${limited.url}/repos/helm/helm/releases?per_page=100: HTTP 403 API rate limit exceeded`,
      );
      expect(log(run)).toContain('pin an exact version');
    } finally {
      await limited.close();
    }
  });
});

describe('bad inputs fail before any download, naming the input', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'helm-version',
      { 'helm-version': 'four' },
      /Invalid input 'helm-version': "four"\. Expected 'latest', a major version/,
    ],
    ['helm-version', { 'helm-version': '2' }, /Invalid input 'helm-version': "2"/],
    [
      'kubectl-version',
      { 'kubectl-version': '1.36.x' },
      /Invalid input 'kubectl-version': "1\.36\.x"/,
    ],
    ['kind-version', { 'kind-version': 'v0.33.0.1' }, /Invalid input 'kind-version'/],
    [
      'helm-mirror',
      { 'helm-mirror': 'ftp://mirror.example.com/helm' },
      /Invalid input 'helm-mirror': "ftp:\/\/mirror\.example\.com\/helm"\. Expected an http\(s\) base URL/,
    ],
    [
      'kubectl-mirror',
      { 'kubectl-mirror': 'not a url' },
      /Invalid input 'kubectl-mirror': "not a url"/,
    ],
    [
      'helm-sha256',
      { 'helm-sha256': 'abc123' },
      /Invalid input 'helm-sha256': "abc123"\. Expected a sha256 digest: 64 hexadecimal characters/,
    ],
    ['kind-sha256', { 'kind-sha256': 'z'.repeat(64) }, /Invalid input 'kind-sha256'/],
    [
      'cluster',
      { cluster: 'minikube' },
      /Invalid input 'cluster': "minikube"\. Expected one of none, kind, kwok/,
    ],
    [
      'cluster-name',
      { 'cluster-name': 'Prod_Cluster' },
      /Invalid input 'cluster-name': "Prod_Cluster"/,
    ],
    ['wait', { wait: 'soon' }, /Invalid input 'wait': "soon"\. Expected a duration/],
    [
      'install-kind',
      { 'install-kind': 'maybe' },
      /Invalid input 'install-kind': "maybe"\. Expected true or false/,
    ],
    [
      'kind-config',
      { cluster: 'kind', 'kind-config': 'no/such/kind.yaml' },
      /Invalid input 'kind-config': "no\/such\/kind\.yaml"/,
    ],
    [
      'kind-node-image-archive',
      { cluster: 'kind', 'kind-node-image-archive': 'no/such/node.tar' },
      /Invalid input 'kind-node-image-archive': "no\/such\/node\.tar"\. Expected the path of an existing 'docker save' archive/,
    ],
    ['kwok-nodes', { cluster: 'kwok', 'kwok-nodes': '0' }, /Invalid input 'kwok-nodes': "0"/],
    [
      'kwok-mirror',
      { cluster: 'kwok', 'kwok-mirror': '' },
      /Invalid input 'kwok-mirror': "".*publishes no checksum file/,
    ],
    ['github-api-url', { 'github-api-url': 'api.github.com' }, /Invalid input 'github-api-url'/],
  ];
  test.each(cases)('%s: %j', async (_name, inputs, message) => {
    const mark = mirror.requests.length;
    const apiMark = api.requests.length;
    const run = await setup(inputs);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(mirror.requests.slice(mark)).toEqual([]);
    expect(api.requests.slice(apiMark)).toEqual([]);
  });
});

describe('cancellation', () => {
  test.each(['SIGINT', 'SIGTERM'] as const)(
    '%s mid-download leaves no half-written tool in the cache and no temporary download',
    async (signal) => {
      const proxy = await startThrottledProxy(mirror.url, (p) => p === `/${HELM4}`);
      try {
        const runnerDir = newRunnerDir();
        let child: ChildProcess | undefined;
        const running = setup(
          { 'helm-version': 'v4.3.1', 'helm-mirror': mirrorBase(proxy.url, 'https://get.helm.sh') },
          { runnerDir, onSpawn: (c) => (child = c) },
        );
        const partial = () => {
          // The action removes each tool's temporary folder as it finishes, so a
          // scan can race with a removal: that only means "not yet".
          try {
            const work = filesUnder(path.join(runnerDir, 'temp', 'hotswap-setup'));
            const file = work.find((f) => f.endsWith('helm-v4.3.1-linux-amd64.tar.gz'));
            return file && statSync(path.join(runnerDir, 'temp', 'hotswap-setup', file)).size > 0;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
            throw error;
          }
        };
        const deadline = Date.now() + 30_000;
        while (
          !partial() ||
          !existsSync(path.join(runnerDir, 'tool-cache', 'kubectl', '1.36.3', 'x64.complete'))
        ) {
          if (Date.now() > deadline) throw new Error('the download never started');
          await new Promise((r) => setTimeout(r, 50));
        }
        child!.kill(signal);
        const run = await running;
        expect(run.code).toBe(signal === 'SIGINT' ? 130 : 143);
        expect(toolEntries(runnerDir, 'helm')).toEqual([]);
        expect(filesUnder(path.join(runnerDir, 'temp', 'hotswap-setup'))).toEqual([]);
        // What had completed stays usable.
        expect(toolEntries(runnerDir, 'kubectl')).toContain(path.join('1.36.3', 'x64', 'kubectl'));
      } finally {
        await proxy.close();
      }
    },
  );
});

describe('cluster: kind', () => {
  test('without Docker the failure says so, and the post step has nothing to delete', async () => {
    const runnerDir = newRunnerDir();
    const run = await setup(
      { 'helm-version': 'v4.3.1', cluster: 'kind', 'cluster-name': 'ci-kind' },
      // No engine at that socket, whether or not this machine runs one.
      { runnerDir, env: { PATH: '/usr/bin:/bin', DOCKER_HOST: 'unix:///nonexistent/docker.sock' } },
    );
    expect(run.code).toBe(1);
    const out = log(run);
    expect(out).toContain(
      "kind could not create cluster 'ci-kind': no container runtime is reachable",
    );
    expect(out).toContain("use 'cluster: kwok'");
    expect(out).toMatch(
      /no Docker engine answers \(docker info: (Cannot connect to the Docker daemon at |nothing answers at )unix:\/\/\/nonexistent\/docker\.sock/,
    );
    // The tools were installed before kind gave up.
    expect(run.outputs['kind-version']).toBe('v0.33.0');

    const post = await setup({}, { runnerDir, phase: 'post', state: run.state });
    expect(post.code, log(post)).toBe(0);
    expect(post.stdout).not.toContain('Deleting');
  });
});
