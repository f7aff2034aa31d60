// Start time of the e2e kwok cluster, side by side with kwokctl's own
// defaults, each the median of 5 creates (deleted after each run).
//
//   plain kwokctl : `kwokctl create cluster --runtime binary --wait` with the
//                   same binaries: kwok's default stages, no node.
//   createKwokCluster : the same plus our Stages, the port-forward CRDs, 3
//                   fake nodes Ready and the default ServiceAccount present,
//                   i.e. ready for `helm install`.
//
//   npx tsx bench/cluster-start.ts [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  binaryRuntimeArgs,
  createKwokCluster,
  deleteKwokCluster,
  kwokEnv,
} from '../src/cluster/kwok.js';
import { runCommand } from '../src/exec/command.js';
import { kwokBinaries } from '../test/support/kwok.js';
import { recordRows, row } from './lib/rows.js';

const RUNS = Number(process.argv[2] ?? 5);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);

async function main(): Promise<void> {
  const bin = kwokBinaries();
  const plain: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const workdir = mkdtempSync(path.join(tmpdir(), 'bench-kwok-'));
    try {
      const env = kwokEnv(workdir);
      const contexts = path.join(workdir, 'contexts.yaml');
      let started = performance.now();
      await runCommand(
        bin.kwokctl,
        [
          'create',
          'cluster',
          '--name',
          `plain-${i}`,
          ...binaryRuntimeArgs(bin),
          '--kubeconfig',
          contexts,
          '--wait',
          '2m',
        ],
        { env },
      );
      plain.push(performance.now() - started);
      await runCommand(
        bin.kwokctl,
        ['delete', 'cluster', '--name', `plain-${i}`, '--kubeconfig', contexts],
        {
          env,
        },
      );

      started = performance.now();
      await createKwokCluster({ name: `ours-${i}`, binaries: bin, workdir });
      ours.push(performance.now() - started);
      await deleteKwokCluster({ name: `ours-${i}`, kwokctl: bin.kwokctl, workdir });
      console.log(
        `run ${i + 1}/${RUNS}: plain kwokctl ${seconds(plain[i]!)}   createKwokCluster ${seconds(ours[i]!)}`,
      );
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  }
  recordRows(row('kwok cluster start (peer: plain kwokctl)', median(ours), median(plain), RUNS));
  console.log('');
  console.log(`cluster start, median of ${RUNS}   plain kwokctl   createKwokCluster`);
  console.log(
    `                                ${seconds(median(plain))}      ${seconds(median(ours))}`,
  );
  console.log(
    `min / max                       ${seconds(Math.min(...plain))} /${seconds(Math.max(...plain))}   ${seconds(Math.min(...ours))} /${seconds(Math.max(...ours))}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
