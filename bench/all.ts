// npm run bench: every benchmark in one go, then the table in README.md
// between <!-- bench:start --> and <!-- bench:end -->. Each benchmark prints
// its own side-by-side numbers and appends JSON rows to BENCH_OUT (see
// bench/lib/rows.ts); this script adds the actions' start-up time
// (bench/startup.ts: valid inputs, spawn to the first tool call, median of 5)
// and their bundle sizes. Each benchmark also runs alone: `npx tsx bench/<name>.ts`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../test/support/run-action.js';
import { actionRuntimeVersion, useActionRuntime } from './lib/action-runtime.js';
import type { BenchRow } from './lib/rows.js';
import { startupRows } from './startup.js';

const ACTIONS = ['setup', 'lint', 'deploy', 'smoke-test', 'rollback'];
const README = path.join(REPO_ROOT, 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function cpuModel(): string {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown CPU';
}

interface BenchRun {
  script: string;
  ok: boolean;
  seconds: number;
}

/** One benchmark as its own process; its rows land in BENCH_OUT. */
function bench(script: string, args: string[], env: Record<string, string>): BenchRun {
  const started = Date.now();
  console.log(`\n=== bench/${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${script}`, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `=== bench/${script}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status})`} in ${seconds.toFixed(0)} s`,
  );
  return { script, ok: r.status === 0, seconds };
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/** Every file of each action's dist/ (chunks, source maps, licenses), then lint's schema data. */
function sizes(): string {
  const dists = ACTIONS.map(
    (a) => `${a} ${mib(dirBytes(path.join(REPO_ROOT, 'actions', a, 'dist')))}`,
  );
  const schemas = dirBytes(path.join(REPO_ROOT, 'actions', 'lint', 'schemas'));
  return `${dists.join(', ')}; lint's Kubernetes schema data and generated validators (actions/lint/schemas, outside dist/) ${mib(schemas)}`;
}

function fmt(ms: number | null): string {
  if (ms === null) return '-';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function table(rows: BenchRow[], runs: BenchRun[], totalSeconds: number): string {
  const lines = [
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${availableParallelism()} CPUs (${cpuModel()}), the actions on Node ${actionRuntimeVersion()} (what they declare), shared with other work, so compare the columns rather than the absolute numbers. Ratio = ours / peer (below 1: ours is faster).`,
    '',
    '| benchmark | ours (median) | peer (median) | ratio | runs (ours / peer) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.ours_ms)} | ${fmt(r.peer_ms)} | ${r.ratio === null ? '-' : `${r.ratio}x`} | ${r.runs}${r.peer_runs === undefined ? '' : ` / ${r.peer_runs}`} |`,
    ),
    '',
    `Bundle sizes (all of actions/<name>/dist/): ${sizes()}.`,
  ];
  const failed = runs.filter((r) => !r.ok);
  if (failed.length)
    lines.push(
      '',
      `Did not complete in this run: ${failed.map((r) => `bench/${r.script}`).join(', ')}.`,
    );
  lines.push('', `Whole run: ${Math.round(totalSeconds / 60)} min.`);
  return lines.join('\n');
}

export function writeReadme(body: string, file = README): void {
  const text = readFileSync(file, 'utf8');
  const block = `${START}\n${body}\n${END}`;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next =
    start !== -1 && end > start
      ? text.slice(0, start) + block + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n## Benchmarks\n\n${block}\n`;
  writeFileSync(file, next);
}

async function main(): Promise<void> {
  useActionRuntime(); // once, for every benchmark below
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'hotswap-bench-'));
  const out = path.join(dir, 'rows.jsonl');
  const env = { BENCH_OUT: out };
  const runs: BenchRun[] = [];
  try {
    // The bundles are what is measured: built first unless they were just built.
    if (!process.argv.includes('--no-build')) {
      console.log('=== building the action bundles');
      const build = spawnSync('node', ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
      if (build.status !== 0) throw new Error('npm run build failed');
    }
    runs.push(bench('install.ts', ['5'], env));
    runs.push(bench('lint.ts', ['--no-build'], { ...env, BENCH_RUNS: '5' }));
    runs.push(bench('cluster-start.ts', ['5'], env));

    // The deploy benchmark makes its clusters itself: kind (real pods; needs a
    // Docker engine and the node image, else it fails saying why), then kwok,
    // which runs either way.
    // Medians of 5, except helm's own bad upgrade (3): each of those waits
    // out its 5-minute timeout; and the healthy pair (9): a second or two on
    // kwok, where one run's noise moves a median of 5 by the goal's margin.
    const deployEnv = { ...env, BENCH_REPS: '5', BENCH_HEALTHY_REPS: '9' };
    runs.push(bench('deploy.ts', ['kind'], deployEnv));
    runs.push(bench('deploy.ts', ['kwok'], deployEnv));

    console.log('\n=== action start-up on valid inputs, to the first tool call, median of 5 each');
    const rows = readRows(out);
    rows.push(...(await startupRows()));
    const body = table(rows, runs, (Date.now() - started) / 1000);
    writeReadme(body);
    console.log(`\n${body}\n\nREADME.md updated between ${START} and ${END}.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readRows(file: string): BenchRow[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as BenchRow);
  } catch {
    return [];
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
