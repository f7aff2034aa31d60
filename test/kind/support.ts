// Helpers for tests on the run's kind cluster (see global-setup.ts): the
// chart's values for the locally built images, and the deploy and smoke-test
// bundles run the way the runner runs them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, inject } from 'vitest';
import { splitImage } from '../support/docker.js';
import { helm, kubectl, runDeployAction, type DeployRun } from '../e2e/deploy/harness.js';

export { history, kubectl, helm, makeWorkspace, runDeployAction } from '../e2e/deploy/harness.js';
export type { DeployRun };

export const images = () => inject('kindImages');

/** A fresh namespace; returns its name. */
export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', name]);
  return name;
}

export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=false']);
}

/**
 * Values for chart/hotswap with the local images on a single 2-core node,
 * over dev's (one replica, no persistence): the CPU request is lowered so
 * many namespaces fit side by side; memory limits stay dev's. A values file,
 * not `set` lines, so a test's own values file can still override it.
 */
export function kindValues(): Record<string, unknown> {
  const api = splitImage(images().api);
  const pg = splitImage(images().postgresql);
  const curl = splitImage(images().curl);
  return {
    image: api,
    resources: { requests: { cpu: '10m' } },
    postgresql: { image: pg, primary: { resources: { requests: { cpu: '10m' } } } },
    tests: { image: curl },
  };
}

/** Writes a values file into the workspace, as a user's repository holds one; returns its path there. */
export function valuesFile(
  workspace: string,
  name: string,
  values: Record<string, unknown>,
): string {
  const rel = `kind-values/${name}.yaml`;
  mkdirSync(path.join(workspace, 'kind-values'), { recursive: true });
  writeFileSync(path.join(workspace, rel), stringify(values, { version: '1.1' }));
  return rel;
}

/** Deploy inputs for chart/hotswap in `namespace`: dev, the kind values, then `values` files. */
export function deployInputs(
  workspace: string,
  namespace: string,
  release: string,
  values: string[] = [],
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    release,
    chart: 'chart/hotswap',
    namespace,
    'values-files': [
      'chart/environments/dev.yaml',
      valuesFile(workspace, 'kind', kindValues()),
      ...values,
    ].join('\n'),
    'secret-values': `postgresql:\n  auth:\n    password: kind-db-pass-${randomBytes(4).toString('hex')}`,
    diff: 'false',
    timeout: '5m',
    ...extra,
  };
}

/** actions/smoke-test through `kubectl port-forward` to a Service; `inputs` name it and the checks. */
export function smokeThroughService(
  workspace: string,
  inputs: Record<string, string>,
): Promise<DeployRun> {
  return runDeployAction(
    'smoke-test',
    { target: 'port-forward', timeout: '120s', ...inputs },
    { workspace },
  );
}

/** actions/smoke-test through `kubectl port-forward` to chart/hotswap's Service of `release`. */
export function smokeTest(
  namespace: string,
  release: string,
  workspace: string,
  extra: Record<string, string> = {},
): Promise<DeployRun> {
  return smokeThroughService(workspace, {
    namespace,
    service: `${release}-hotswap`,
    port: '80',
    'metrics-port': '5000',
    ...extra,
  });
}

/**
 * Everything a run showed: stdout, stderr, the summary, the outputs, the
 * command lines. Not the `::add-mask::` commands, which the runner consumes.
 */
export function shown(run: DeployRun): string {
  return [
    run.stdout.replace(/^::add-mask::.*$/gm, ''),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    run.argv,
  ].join('\n');
}

/** The live (not terminating) pods of a release: its `container`'s arguments, and whether Ready. */
export async function releasePods(
  namespace: string,
  release: string,
  container: string,
): Promise<{ args: string[]; ready: boolean }[]> {
  const list = JSON.parse(
    await kubectl([
      'get',
      'pods',
      '-n',
      namespace,
      '-l',
      `app.kubernetes.io/instance=${release}`,
      '-o',
      'json',
    ]),
  ) as {
    items: {
      metadata: { deletionTimestamp?: string };
      spec: { containers: { name: string; args?: string[] }[] };
      status: { conditions?: { type: string; status: string }[] };
    }[];
  };
  return list.items
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({
      args: p.spec.containers.find((c) => c.name === container)?.args ?? [],
      ready: !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    }));
}

/**
 * The deploy bundle installing a vendored public chart (test-charts/<chart>)
 * with the locally built `image` and `values` over it. The chart's `image`
 * takes registry, repository and tag (the prometheus-community charts'), or
 * with `wholeRepository` the repository with its registry in it.
 */
export function deployPublicChart(
  workspace: string,
  o: {
    release: string;
    chart: string;
    namespace: string;
    image: string;
    wholeRepository?: boolean;
    timeout?: string;
  },
  values: Record<string, unknown>,
): Promise<DeployRun> {
  const { repository, tag } = splitImage(o.image);
  const [registry, ...rest] = repository.split('/');
  const image = o.wholeRepository
    ? { repository, tag, pullPolicy: 'IfNotPresent' }
    : { registry, repository: rest.join('/'), tag, pullPolicy: 'IfNotPresent' };
  const file = valuesFile(workspace, `${o.release}-${randomBytes(3).toString('hex')}`, {
    image,
    ...values,
  });
  return runDeployAction(
    'deploy',
    {
      release: o.release,
      chart: `test-charts/${o.chart}`,
      namespace: o.namespace,
      'values-files': file,
      timeout: o.timeout ?? '4m',
    },
    { workspace },
  );
}

/**
 * The namespace of a file's one release of a public chart: made before its
 * tests; afterwards the release is uninstalled first (its cluster-wide
 * objects, ClusterRoles or an APIService, outlive the namespace) and the
 * namespace deleted. `name` is set once the file's tests run.
 */
export function publicChartNamespace(prefix: string, release: string): { name: string } {
  const ns = { name: '' };
  beforeAll(async () => {
    ns.name = await createNamespace(prefix);
  });
  afterAll(async () => {
    await helm(['uninstall', release, '-n', ns.name]).catch(() => {});
    await deleteNamespace(ns.name);
  });
  return ns;
}
