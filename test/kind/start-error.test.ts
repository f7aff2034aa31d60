// A container the runtime cannot start, on a real kubelet: a command that does
// not exist in the image. The kubelet reports RunContainerError, then tries
// again with a new container (exit code 128, StartError) and backs off. The
// deploy does not take the first RunContainerError for the verdict (the
// runtime also reports one for passing trouble on a loaded node) but a start
// that keeps failing is a crash loop: failed, rolled back, Ready again.
// stakater's generic `application` chart (vendored, test/fixtures/charts)
// takes the container's command as a value.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { splitImage } from '../support/docker.js';
import {
  createNamespace,
  deleteNamespace,
  history,
  images,
  makeWorkspace,
  releasePods,
  runDeployAction,
  shown,
  valuesFile,
  type DeployRun,
} from './support.js';

const RELEASE = 'app';
let namespace: string;
const workspace = makeWorkspace();

beforeAll(async () => {
  namespace = await createNamespace('start-error');
});
afterAll(() => deleteNamespace(namespace));

function deploy(command: string[] | undefined, name: string): Promise<DeployRun> {
  const { repository, tag } = splitImage(images().api);
  const values = valuesFile(workspace, name, {
    applicationName: 'shop',
    deployment: {
      image: { repository, tag, pullPolicy: 'IfNotPresent' },
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      ...(command ? { command } : {}),
    },
  });
  return runDeployAction(
    'deploy',
    {
      release: RELEASE,
      chart: 'test-charts/application',
      namespace,
      'values-files': values,
      timeout: '3m',
    },
    { workspace },
  );
}

test('a command that does not exist is a crash loop: rolled back to a Ready pod', async () => {
  const good = await deploy(undefined, 'good');
  expect(good.code, shown(good)).toBe(0);
  expect(good.outputs.status).toBe('deployed');

  const started = Date.now();
  const bad = await deploy(['/no/such/binary'], 'bad');
  expect(bad.code, shown(bad)).not.toBe(0);
  expect(bad.outputs.status, shown(bad)).toBe('rolled-back');
  expect(bad.outputs['rolled-back-to']).toBe('1');
  // Judged at the second failed start, not at the 3-minute timeout.
  expect(Date.now() - started).toBeLessThan(90_000);
  expect(shown(bad)).toMatch(/Pod\/shop-[\w-]+ \| CrashLoopBackOff/);
  expect(shown(bad)).toMatch(/exit code 128|StartError|no such file/i);

  const records = await history(RELEASE, namespace);
  expect(records.map((r) => r.status)).toEqual(['superseded', 'superseded', 'deployed']);
  const pods = await releasePods(namespace, RELEASE, 'shop');
  expect(pods.length).toBeGreaterThan(0);
  expect(pods.every((p) => p.ready)).toBe(true);
});
