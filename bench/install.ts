// Install time of actions/setup for helm + kubectl + kind from the loopback
// mirror: cold (empty tool cache: download, verify, extract, cache) against
// warm (tool-cache hit), each the median of 5 runs of the built bundle run as
// the runner runs it.
//
//   node scripts/build.mjs setup && npx tsx bench/install.ts [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMirror } from '../tools/mirror-server.js';
import { runAction } from '../test/support/run-action.js';
import { MIRROR_ROOT, mirrorInputs } from '../test/support/setup-mirror.js';
import { PINNED } from '../src/tools/pinned.js';
import { recordRows, row } from './lib/rows.js';
import { useActionRuntime } from './lib/action-runtime.js';

const RUNS = Number(process.argv[2] ?? 5);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  useActionRuntime();
  const mirror = await startMirror(MIRROR_ROOT);
  const inputs = {
    ...mirrorInputs(mirror.url),
    // Exact versions: the numbers measure installing, not a look-up.
    'helm-version': PINNED.helm4,
    'kubectl-version': PINNED.kubectl,
    'kind-version': PINNED.kind,
    'install-kind': 'true',
    token: '',
  };
  const once = async (runnerDir: string) => {
    const started = performance.now();
    const run = await runAction('setup', { inputs, runnerDir });
    const ms = performance.now() - started;
    if (run.code !== 0) throw new Error(`setup failed:\n${run.stdout}\n${run.stderr}`);
    return { ms, cacheHit: run.outputs['cache-hit'] === 'true' };
  };

  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-setup-'));
    dirs.push(dir);
    return dir;
  };
  try {
    const cold: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await once(fresh());
      if (r.cacheHit) throw new Error('a cold run hit the cache');
      cold.push(r.ms);
    }
    const warmDir = fresh();
    await once(warmDir);
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = mirror.requests.length;
      const r = await once(warmDir);
      if (!r.cacheHit || mirror.requests.length !== before)
        throw new Error('a warm run downloaded');
      warm.push(r.ms);
    }
    const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(9);
    console.log(
      `actions/setup: helm ${PINNED.helm4} + kubectl ${PINNED.kubectl} + kind ${PINNED.kind} from a loopback mirror, median of ${RUNS}`,
    );
    console.log(`${''.padEnd(8)}${'cold'.padStart(9)}${'cached'.padStart(9)}`);
    console.log(`${'median'.padEnd(8)}${fmt(median(cold))}${fmt(median(warm))}`);
    console.log(`${'min'.padEnd(8)}${fmt(Math.min(...cold))}${fmt(Math.min(...warm))}`);
    console.log(`${'max'.padEnd(8)}${fmt(Math.max(...cold))}${fmt(Math.max(...warm))}`);
    recordRows(
      row(
        'setup: helm + kubectl + kind, cached run (peer: cold download)',
        median(warm),
        median(cold),
        RUNS,
      ),
    );
    console.log(
      `cached is ${(median(cold) / median(warm)).toFixed(1)}x faster (each run includes starting node and the bundle)`,
    );
  } finally {
    await mirror.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
