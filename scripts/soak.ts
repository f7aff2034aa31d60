// npm run soak: twenty automatic rollbacks in a row of a crash-looping
// upgrade, through the deploy bundle (built first), on a kwok cluster of its
// own (or HOTSWAP_E2E_KUBECONFIG's). Prints one line per round and a summary;
// exits 1 when any round was not rolled back to a verified, healthy revision.
// Not part of .ci/run, which runs three rounds (test/e2e/deploy/rollback-soak.test.ts).
//   SOAK_ROUNDS=<n>   rounds (default 20)
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKwokCluster, deleteKwokCluster } from '../src/cluster/kwok.js';
import { kwokBinaries } from '../test/support/kwok.js';
import { crashLoopRollbacks, type SoakRound } from '../test/support/rollback-soak.js';

async function main(): Promise<number> {
  const rounds = Number(process.env.SOAK_ROUNDS ?? 20);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`SOAK_ROUNDS must be a whole number above 0, not '${process.env.SOAK_ROUNDS}'`);
    return 2;
  }
  let kubeconfig = process.env.HOTSWAP_E2E_KUBECONFIG;
  let teardown = async () => {};
  if (!kubeconfig) {
    const binaries = kwokBinaries();
    const name = `soak-${process.pid}`;
    const workdir = path.join(os.tmpdir(), `hotswap-soak-${process.pid}`);
    const remove = async () => {
      await deleteKwokCluster({ name, kwokctl: binaries.kwokctl, workdir });
      rmSync(workdir, { recursive: true, force: true });
    };
    teardown = remove;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void remove().finally(() => process.exit(130)));
    }
    const cluster = await createKwokCluster({ name, binaries, workdir, nodes: 3, waitMs: 180_000 });
    kubeconfig = cluster.kubeconfig;
  }
  const started = Date.now();
  let results: SoakRound[];
  try {
    results = await crashLoopRollbacks({
      kubeconfig,
      namespace: `soak-${Date.now().toString(36)}`,
      rounds,
      onRound: (r) =>
        console.log(
          `round ${String(r.round).padStart(2)}: ${r.status}, revision ${r.revision} -> rolled back to ${r.rolledBackTo} (restored as ${r.restored}), ${r.healthy ? 'healthy' : 'NOT healthy'}, ${r.seconds.toFixed(1)} s${r.problem ? `\n  ${r.problem}` : ''}`,
        ),
    });
  } finally {
    await teardown();
  }
  const good = results.filter((r) => !r.problem).length;
  const times = results.map((r) => r.seconds).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  console.log(
    `soak: ${good}/${rounds} rounds rolled-back to a verified, healthy revision; median ${median.toFixed(1)} s, max ${(times.at(-1) ?? 0).toFixed(1)} s per round; ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
  );
  return good === rounds ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
