// One kind cluster per `kind` run, made by our own setup bundle (`cluster:
// kind` with the offline node image archive, as a self-hosted runner without
// registry access would), the chart's images built locally and loaded into
// it with `kind load docker-image`. Tests get the kubeconfig and the image
// names through inject(); the post step deletes the cluster at the end, and a
// signal or an early exit deletes it too.
//
// HOTSWAP_KIND_KUBECONFIG=<path> reuses a running kind cluster (its context
// must be `kind-<name>`, as kind writes it) and leaves it running;
// HOTSWAP_KIND_KEEP=1 keeps the cluster this run creates and prints how to
// reuse it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { TestProject } from 'vitest/node';
import { startMirror } from '../../tools/mirror-server.js';
import { ensureBundle } from '../support/bundle.js';
import { chartImages, engineUp, nodeImageArchive, type ChartImages } from '../support/docker.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { MIRROR_ROOT, mirrorInputs } from '../support/setup-mirror.js';
import { toolPath } from '../support/tools.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    kindImages: ChartImages;
  }
}

const log = (run: ActionRun) => `${run.stdout}\n${run.stderr}`;

/** The cluster name of a kubeconfig written by kind (`current-context: kind-<name>`). */
function kindClusterName(kubeconfig: string): string {
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as { 'current-context'?: string };
  const context = doc['current-context'] ?? '';
  if (!context.startsWith('kind-'))
    throw new Error(
      `HOTSWAP_KIND_KUBECONFIG: ${kubeconfig} has current-context '${context}', expected 'kind-<cluster name>'`,
    );
  return context.slice('kind-'.length);
}

/**
 * `kind load` copies only what the node lacks, so loading into a reused
 * cluster is cheap. One call for all: one `docker save` and one import on the
 * node rather than one of each per image.
 */
function loadImages(name: string, images: ChartImages): void {
  execFileSync(
    toolPath('kind'),
    ['load', 'docker-image', '--name', name, ...Object.values(images)],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 },
  );
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  engineUp();
  // The bundles the tests run, rebuilt here once when a source changed (never per file).
  for (const bundle of ['deploy', 'smoke-test', 'rollback']) await ensureBundle(bundle);
  const images = chartImages();
  project.provide('kindImages', images);

  const reuse = process.env.HOTSWAP_KIND_KUBECONFIG;
  if (reuse) {
    const kubeconfig = path.resolve(reuse);
    if (!existsSync(kubeconfig))
      throw new Error(`HOTSWAP_KIND_KUBECONFIG: ${kubeconfig} does not exist`);
    loadImages(kindClusterName(kubeconfig), images);
    project.provide('kubeconfig', kubeconfig);
    return;
  }

  const archive = nodeImageArchive();
  await ensureBundle('setup');
  const mirror = await startMirror(MIRROR_ROOT);
  const runnerDir = mkdtempSync(path.join(tmpdir(), 'runner-kind-suite-'));
  const name = `hs-suite-${process.pid}`;
  // A network of its own: kind's shared `kind` network is removed by whichever
  // cluster's post step finds it unused, which races with a concurrent create.
  const network = `${name}-net`;

  // The last resort for a run that ends without the teardown: the cluster goes, synchronously.
  let deleted = false;
  const deleteNow = () => {
    if (deleted) return;
    deleted = true;
    spawnSync(toolPath('kind'), ['delete', 'cluster', '--name', name], {
      stdio: 'ignore',
      timeout: 120_000,
    });
    spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore', timeout: 60_000 });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    deleteNow();
    if (process.listenerCount(signal) === 1) process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const keep = process.env.HOTSWAP_KIND_KEEP === '1';
  if (!keep) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', deleteNow);
  }

  const started = Date.now();
  const main = await runAction('setup', {
    runnerDir,
    timeoutMs: 900_000,
    env: { KIND_EXPERIMENTAL_DOCKER_NETWORK: network },
    inputs: {
      token: '',
      'helm-version': 'v4.3.1',
      ...mirrorInputs(mirror.url),
      cluster: 'kind',
      'cluster-name': name,
      'kind-node-image-archive': archive,
      wait: '5m',
    },
  });
  await mirror.close();
  if (main.code !== 0) {
    deleteNow();
    throw new Error(`kind: the setup action failed to create ${name}:\n${log(main)}`);
  }
  const kubeconfig = main.outputs.kubeconfig!;
  loadImages(name, images);
  console.log(`kind: cluster ${name} ready with the chart images in ${Date.now() - started} ms`);
  project.provide('kubeconfig', kubeconfig);

  if (keep) {
    // Without the post step nothing restores the host sysctls kubelet changed: say what they were.
    const { sysctls = {} } = JSON.parse(main.state.cluster ?? '{}') as {
      sysctls?: Record<string, string>;
    };
    const restore = Object.entries(sysctls)
      .map(([key, value]) => `echo ${value} > /proc/sys/${key}`)
      .join('; ');
    console.log(
      `kind: keeping ${name}; reuse it with HOTSWAP_KIND_KUBECONFIG=${kubeconfig}\n` +
        `when done: kind delete cluster --name ${name}; docker network rm ${network}; ${restore}`,
    );
    return;
  }
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', deleteNow);
    if (deleted) return;
    const post = await runAction('setup', {
      runnerDir,
      phase: 'post',
      state: main.state,
      env: { KIND_EXPERIMENTAL_DOCKER_NETWORK: network },
    });
    deleted = true;
    if (post.code !== 0) {
      deleteNow();
      throw new Error(`kind: the setup post step failed for ${name}:\n${log(post)}`);
    }
  };
}
