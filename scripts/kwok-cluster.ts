// A kwok cluster to iterate on e2e tests against, outside a test run:
//
//   npx tsx scripts/kwok-cluster.ts up [name]     # prints the kubeconfig path
//   HOTSWAP_E2E_KUBECONFIG=<path> npx vitest run --project e2e test/e2e/foo.test.ts
//   npx tsx scripts/kwok-cluster.ts down [name]
//
// The cluster lives in <tmp>/hotswap-dev-<name> until `down`.
import os from 'node:os';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { createKwokCluster, deleteKwokCluster } from '../src/cluster/kwok.js';
import { kwokBinaries } from '../test/support/kwok.js';

async function main(): Promise<void> {
  const [command, name = 'dev'] = process.argv.slice(2);
  const workdir = path.join(os.tmpdir(), `hotswap-dev-${name}`);
  const binaries = kwokBinaries();
  if (command === 'up') {
    const started = Date.now();
    const cluster = await createKwokCluster({ name, binaries, workdir });
    console.error(`kwok cluster ${name} ready in ${Date.now() - started} ms`);
    console.log(cluster.kubeconfig);
  } else if (command === 'down') {
    await deleteKwokCluster({ name, kwokctl: binaries.kwokctl, workdir });
    await rm(workdir, { recursive: true, force: true });
  } else {
    console.error('usage: npx tsx scripts/kwok-cluster.ts up|down [name]');
    process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
