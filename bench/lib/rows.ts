// The machine-readable side of every benchmark: when BENCH_OUT names a file,
// each result is appended to it as one JSON line, so `npm run bench` can
// gather the rows of all benchmarks into the README table.
import { appendFileSync } from 'node:fs';

export interface BenchRow {
  /** What was measured, and what the peer is. */
  name: string;
  ours_ms: number;
  /** The peer (plain helm, plain kwokctl...) on the same task; null when there is none. */
  peer_ms: number | null;
  /** ours / peer: below 1, ours is faster. */
  ratio: number | null;
  runs: number;
  /** The peer's runs, when it ran a different number of times. */
  peer_runs?: number;
}

export function row(
  name: string,
  ours: number,
  peer: number | null,
  runs: number,
  peerRuns = runs,
): BenchRow {
  return {
    ...(peerRuns === runs ? {} : { peer_runs: peerRuns }),
    name,
    ours_ms: Math.round(ours),
    peer_ms: peer === null ? null : Math.round(peer),
    ratio: peer === null || peer === 0 ? null : Number((ours / peer).toFixed(2)),
    runs,
  };
}

export function recordRows(...rows: BenchRow[]): void {
  const file = process.env.BENCH_OUT;
  if (!file) return;
  appendFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
