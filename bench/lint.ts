// Wall time of actions/lint (the built bundle, run as the runner runs it)
// for 1 and for 8 values sets, next to the same plain `helm lint --strict` +
// `helm template` calls run one after another. Median of 5 runs each.
//
//   npx tsx bench/lint.ts            (builds actions/setup and actions/lint first)
//   npx tsx bench/lint.ts --no-build
//
// The action does more than the plain calls (values parsing, schema
// validation of every object, policy rules, the summary), and runs helm
// calls in parallel (as many as there are CPUs). The floor column is the
// part of ours no code of ours can remove: the action's node starting and
// running the plain script's helm calls, as many at once as the action does,
// with its Go settings, and doing nothing else. As in the pull-request
// workflow, actions/setup installs helm first (from the loopback mirror) in
// the job's runner directory, and lint runs the helm it put on PATH.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { shortLivedGoEnv } from '../src/exec/go-runtime.js';
import { REPO_ROOT, runAction } from '../test/support/run-action.js';
import { actionRuntimeVersion, useActionRuntime } from './lib/action-runtime.js';
import { recordRows, row } from './lib/rows.js';
import { setupJob, type Job } from './lib/setup-job.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const KUBE_VERSION = '1.36.3';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Values the environments start from: the three environments, then the chart's ci scenarios. */
const BASES = [
  'chart/environments/dev.yaml',
  'chart/environments/staging.yaml',
  'chart/environments/production.yaml',
  'chart/hotswap/ci/ingress-tls-values.yaml',
  'chart/hotswap/ci/monitoring-netpol-values.yaml',
  'chart/hotswap/ci/vault-token-values.yaml',
  'chart/hotswap/ci/autoscaling-off-values.yaml',
  'chart/hotswap/ci/backup-values.yaml',
];

/**
 * A workspace with the real chart and `count` environments that all differ:
 * each starts from a different file of BASES and gets a pod label of its own,
 * so no two values sets render the same objects and no cache could stand in
 * for rendering one of them.
 */
function workspaceWith(count: number): { dir: string; envs: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-lint-'));
  cpSync(path.join(REPO_ROOT, 'chart', 'hotswap'), path.join(dir, 'chart', 'hotswap'), {
    recursive: true,
  });
  mkdirSync(path.join(dir, 'chart', 'environments'));
  if (count > BASES.length) throw new Error(`at most ${BASES.length} distinct values sets`);
  const envs = Array.from({ length: count }, (_, i) => `env${i + 1}`);
  envs.forEach((env, i) => {
    const values = (YAML.parse(readFileSync(path.join(REPO_ROOT, BASES[i]!), 'utf8')) ??
      {}) as Record<string, unknown>;
    const podLabels = (values.podLabels ?? {}) as Record<string, string>;
    values.podLabels = { ...podLabels, 'bench.hotswap.dev/set': env };
    writeFileSync(
      path.join(dir, 'chart', 'environments', `${env}.yaml`),
      YAML.stringify(values, { version: '1.1' }),
    );
  });
  return { dir, envs };
}

async function timeAction(job: Job, dir: string, envs: string[]): Promise<number> {
  const start = performance.now();
  const run = await runAction('lint', {
    runnerDir: job.runnerDir,
    workspace: dir,
    inputs: {
      environments: envs.join(','),
      'ci-values': 'false',
      'kubernetes-versions': KUBE_VERSION,
    },
    env: { PATH: job.path },
  });
  const ms = performance.now() - start;
  if (run.code !== 0) throw new Error(`lint failed:\n${run.stdout}\n${run.stderr}`);
  return ms;
}

function timePlainHelm(helm: string, dir: string, envs: string[]): number {
  const start = performance.now();
  for (const env of envs) {
    for (const args of helmCalls(dir, env)) execFileSync(helm, args, { stdio: 'pipe' });
  }
  return performance.now() - start;
}

/** The plain script's helm calls for one values set. */
function helmCalls(dir: string, env: string): string[][] {
  const chart = path.join(dir, 'chart', 'hotswap');
  const values = [
    '--values',
    path.join(dir, 'chart', 'environments', `${env}.yaml`),
    '--kube-version',
    KUBE_VERSION,
  ];
  return [
    ['lint', chart, '--strict', ...values],
    ['template', 'hotswap', chart, ...values],
  ];
}

// A node program that runs the calls given as JSON, as many at once as there
// are CPUs, and exits when the last one ends.
const FLOOR_PROGRAM = `
const { spawn } = require('node:child_process');
const { availableParallelism } = require('node:os');
const [helm, json] = process.argv.slice(1);
const calls = JSON.parse(json);
let next = 0;
const one = () => next < calls.length ? new Promise((done, fail) => {
  const child = spawn(helm, calls[next++], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume(); child.stderr.resume();
  child.on('exit', (code) => code === 0 ? done() : fail(new Error('helm exit ' + code)));
}).then(one) : Promise.resolve();
Promise.all(Array.from({ length: availableParallelism() }, one)).catch((e) => { console.error(e.message); process.exit(1); });
`;

function timeFloor(helm: string, dir: string, envs: string[]): number {
  const calls = envs.flatMap((env) => helmCalls(dir, env));
  const start = performance.now();
  execFileSync(useActionRuntime(), ['-e', FLOOR_PROGRAM, helm, JSON.stringify(calls)], {
    stdio: 'pipe',
    env: shortLivedGoEnv(process.env),
  });
  return performance.now() - start;
}

async function main(): Promise<void> {
  useActionRuntime();
  if (!process.argv.includes('--no-build')) {
    execFileSync('node', ['scripts/build.mjs', 'setup', 'lint'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }
  const job = await setupJob('lint');
  console.log(
    `actions/lint on node ${actionRuntimeVersion()} vs plain helm (${job.helm}, installed by actions/setup for both), median of ${RUNS}, ${availableParallelism()} CPUs`,
  );
  console.log(
    'values sets | actions/lint (bundle) | plain helm lint + template, sequential | ratio | floor: node running the same helm calls | floor ratio',
  );
  console.log(
    '----------- | --------------------- | -------------------------------------- | ----- | --------------------------------------- | -----------',
  );
  try {
    for (const count of [1, 8]) {
      const { dir, envs } = workspaceWith(count);
      await timeAction(job, dir, envs); // warm the file cache once
      const action: number[] = [];
      const plain: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        action.push(await timeAction(job, dir, envs));
        plain.push(timePlainHelm(job.helm, dir, envs));
        floor.push(timeFloor(job.helm, dir, envs));
      }
      const a = median(action);
      const p = median(plain);
      const f = median(floor);
      recordRows(row(`lint: ${count} values set(s) (peer: helm lint + template)`, a, p, RUNS));
      console.log(
        `${String(count).padStart(11)} | ${`${a.toFixed(0)} ms`.padStart(21)} | ${`${p.toFixed(0)} ms`.padStart(38)} | ${`${(a / p).toFixed(2)}x`.padStart(5)} | ${`${f.toFixed(0)} ms`.padStart(39)} | ${(f / p).toFixed(2)}x`,
      );
    }
  } finally {
    rmSync(job.runnerDir, { recursive: true, force: true });
  }
}

await main();
