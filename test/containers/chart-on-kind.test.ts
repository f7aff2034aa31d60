// chart/hotswap on a real kind cluster (created by the setup bundle) in a
// namespace that enforces Pod Security `restricted`, with images built
// locally and loaded with `kind load`: every pod Running and Ready, a real
// PostgreSQL accepting the generated password, and `helm test` passing with a
// real curl pod.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';
import { ensureBundle } from '../support/bundle.js';
import { chartImages, engineUp, nodeImageArchive, splitImage } from '../support/docker.js';
import { REPO_ROOT, runAction, type ActionRun } from '../support/run-action.js';
import { MIRROR_ROOT, mirrorInputs } from '../support/setup-mirror.js';

let mirror: MirrorServer;
let archive: string;
let images: ReturnType<typeof chartImages>;

beforeAll(async () => {
  engineUp();
  archive = nodeImageArchive();
  images = chartImages();
  await ensureBundle('setup');
  mirror = await startMirror(MIRROR_ROOT);
});
afterAll(async () => mirror?.close());

const log = (run: ActionRun) => `${run.stdout}\n${run.stderr}`;
const NS = 'hotswap-restricted';

function setup(inputs: Record<string, string>, options: Parameters<typeof runAction>[1] = {}) {
  return runAction('setup', {
    timeoutMs: 900_000,
    ...options,
    inputs: { token: '', 'helm-version': 'v4.3.1', ...mirrorInputs(mirror.url), ...inputs },
  });
}

async function eventually<T>(what: string, check: () => T, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${String(error)}`, { cause: error });
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

interface Pod {
  metadata: { name: string };
  status: { phase: string; containerStatuses?: { ready: boolean }[] };
}

test('installs Ready under PSS restricted; the database takes the generated password; helm test passes', async () => {
  const runnerDir = mkdtempSync(path.join(tmpdir(), 'runner-chart-kind-'));
  const name = `hs-chart-${process.pid}`;
  let main: ActionRun | undefined;
  try {
    main = await setup(
      { cluster: 'kind', 'cluster-name': name, 'kind-node-image-archive': archive, wait: '5m' },
      { runnerDir },
    );
    expect(main.code, log(main)).toBe(0);
    const env = { ...process.env, KUBECONFIG: main.outputs.kubeconfig! };
    const run = (file: string, args: string[], input?: string) =>
      execFileSync(file, args, { encoding: 'utf8', env, input, cwd: REPO_ROOT, timeout: 600_000 });
    const kubectl = (...args: string[]) => run(main!.outputs['kubectl-path']!, args);
    const helm = (...args: string[]) => run(main!.outputs['helm-path']!, args);

    for (const image of [images.api, images.postgresql, images.curl])
      run(main.outputs['kind-path']!, ['load', 'docker-image', '--name', name, image]);

    kubectl('create', 'namespace', NS);
    kubectl('label', 'namespace', NS, 'pod-security.kubernetes.io/enforce=restricted');
    // The namespace really enforces `restricted`: a root pod is refused.
    expect(() =>
      kubectl(
        'run',
        'root',
        '-n',
        NS,
        `--image=${images.curl}`,
        '--overrides={"spec":{"securityContext":{"runAsUser":0}}}',
      ),
    ).toThrow(/violates PodSecurity "restricted/);

    const api = splitImage(images.api);
    const pg = splitImage(images.postgresql);
    const curl = splitImage(images.curl);
    helm(
      'install',
      'hs',
      'chart/hotswap',
      '--namespace',
      NS,
      '--wait',
      '--timeout',
      '5m',
      '--set',
      `image.repository=${api.repository}`,
      '--set',
      `image.tag=${api.tag}`,
      '--set',
      `postgresql.image.repository=${pg.repository}`,
      '--set',
      `postgresql.image.tag=${pg.tag}`,
      '--set',
      `tests.image.repository=${curl.repository}`,
      '--set',
      `tests.image.tag=${curl.tag}`,
      '--set',
      'postgresql.primary.persistence.size=1Gi',
      // Sized for a 2-CPU machine: three replicas at the default 500m would not all schedule.
      '--set',
      'resources.requests.cpu=50m',
      '--set',
      'resources.requests.memory=64Mi',
    );

    // Every pod Running and Ready, the API at the autoscaler's minimum of 3 replicas.
    await eventually(
      'every pod Ready',
      () => {
        const pods = (
          JSON.parse(kubectl('get', 'pods', '-n', NS, '-o', 'json')) as { items: Pod[] }
        ).items;
        const apiReady = Number(
          kubectl(
            'get',
            'deployment',
            'hs-hotswap',
            '-n',
            NS,
            '-o',
            'jsonpath={.status.readyReplicas}',
          ),
        );
        const notReady = pods.filter(
          (p) =>
            p.status.phase !== 'Running' ||
            !(p.status.containerStatuses ?? []).every((c) => c.ready),
        );
        if (notReady.length > 0 || apiReady < 3 || pods.length < 4)
          throw new Error(
            `${apiReady} API replicas ready; not ready: ${notReady.map((p) => p.metadata.name).join(', ')}`,
          );
      },
      300_000,
    );

    // The generated password (from the chart's Secret, as the pod receives it) opens the database; another does not.
    const secret = Buffer.from(
      kubectl('get', 'secret', 'hs-postgresql', '-n', NS, '-o', 'jsonpath={.data.password}'),
      'base64',
    ).toString();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    const asPassword = (password: string) =>
      execFileSync(
        main!.outputs['kubectl-path']!,
        [
          'exec',
          '-n',
          NS,
          'hs-postgresql-0',
          '-i',
          '--',
          'sh',
          '-c',
          'read -r PGPASSWORD; export PGPASSWORD; psql -h 127.0.0.1 -U hotswap -d hotswap -tAc "select current_user"',
        ],
        { encoding: 'utf8', env, input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] },
      ).trim();
    expect(asPassword(secret)).toBe('hotswap');
    expect(() => asPassword(`${secret}-wrong`)).toThrow(/password authentication failed/);

    const tested = helm('test', 'hs', '--namespace', NS);
    expect(tested).toMatch(/TEST SUITE:\s+hs-hotswap-test-health[\s\S]*Phase:\s+Succeeded/);
  } finally {
    if (main?.state.cluster) {
      const post = await setup({}, { runnerDir, phase: 'post', state: main.state });
      expect(post.code, log(post)).toBe(0);
    }
  }
}, 1_200_000);
