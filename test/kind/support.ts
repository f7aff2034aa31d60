// Helpers for tests on the run's kind cluster (see global-setup.ts): the
// chart's values for the locally built images, and the deploy and smoke-test
// bundles run the way the runner runs them.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { splitImage } from '../support/docker.js';
import { kubectl, runDeployAction, type DeployRun } from '../e2e/deploy/harness.js';

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
 * `set` lines for chart/hotswap with the local images on a single 2-core
 * node: dev's values otherwise (one replica, no persistence). The CPU request
 * is lowered so many namespaces fit side by side; memory limits stay dev's.
 */
export function kindChartSet(): string[] {
  const api = splitImage(images().api);
  const pg = splitImage(images().postgresql);
  const curl = splitImage(images().curl);
  return [
    `image.repository=${api.repository}`,
    `image.tag=${api.tag}`,
    `postgresql.image.repository=${pg.repository}`,
    `postgresql.image.tag=${pg.tag}`,
    `tests.image.repository=${curl.repository}`,
    `tests.image.tag=${curl.tag}`,
    'resources.requests.cpu=10m',
    'postgresql.primary.resources.requests.cpu=10m',
  ];
}

/** Deploy inputs for chart/hotswap in `namespace`, extra `set` lines appended. */
export function deployInputs(
  namespace: string,
  release: string,
  set: string[] = [],
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    release,
    chart: 'chart/hotswap',
    namespace,
    'values-files': 'chart/environments/dev.yaml',
    'secret-values': `postgresql:\n  auth:\n    password: kind-db-pass-${randomBytes(4).toString('hex')}`,
    set: [...kindChartSet(), ...set].join('\n'),
    diff: 'false',
    timeout: '5m',
    ...extra,
  };
}

/** actions/smoke-test through `kubectl port-forward` to the release's Service. */
export function smokeTest(
  namespace: string,
  release: string,
  workspace: string,
  extra: Record<string, string> = {},
): Promise<DeployRun> {
  return runDeployAction(
    'smoke-test',
    {
      target: 'port-forward',
      namespace,
      service: `${release}-hotswap`,
      port: '80',
      'metrics-port': '5000',
      timeout: '120s',
      ...extra,
    },
    { workspace },
  );
}
