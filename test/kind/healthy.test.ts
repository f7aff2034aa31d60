// The baseline every failure case starts from: chart/hotswap deployed by the
// deploy bundle on real pods (the stand-in API and PostgreSQL built locally),
// then the smoke-test bundle through `kubectl port-forward` to the chart's
// Service, reaching the real /health and /metrics of the pod.
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  createNamespace,
  deleteNamespace,
  deployInputs,
  history,
  makeWorkspace,
  runDeployAction,
  smokeTest,
} from './support.js';

let namespace: string;
const workspace = makeWorkspace();

beforeAll(async () => {
  namespace = await createNamespace('healthy');
});
afterAll(async () => deleteNamespace(namespace));

test('deploys Ready on real pods and passes the smoke test through the Service', async () => {
  const run = await runDeployAction('deploy', deployInputs(workspace, namespace, 'hs'), {
    workspace,
  });
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.outputs.status).toBe('deployed');
  expect((await history('hs', namespace)).map((r) => r.status)).toEqual(['deployed']);

  const smoke = await smokeTest(namespace, 'hs', workspace);
  expect(smoke.code, `${smoke.stdout}\n${smoke.stderr}`).toBe(0);
  expect(smoke.outputs.passed).toBe('true');
  // The stand-in's own metrics, served by the pod.
  expect(smoke.summary).toMatch(/hotswap_http_requests_total|metrics/);
});
