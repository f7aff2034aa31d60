// Wall time of actions/lint (the built bundle, run as the runner runs it)
// for 1 and for 8 values sets, next to the same plain `helm lint --strict` +
// `helm template` calls run one after another. Median of 5 runs each.
//
//   npx tsx bench/lint.ts            (builds actions/setup and actions/lint first)
//   npx tsx bench/lint.ts --no-build
//
// The action does more than the plain calls (values parsing, schema
// validation of every object, policy rules, the summary), and runs helm
// calls in parallel (as many as there are CPUs). As in the pull-request
// workflow, actions/setup installs helm first (from the loopback mirror) in
// the job's runner directory, and lint runs the helm it put on PATH.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
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
  const chart = path.join(dir, 'chart', 'hotswap');
  const start = performance.now();
  for (const env of envs) {
    const values = [
      '--values',
      path.join(dir, 'chart', 'environments', `${env}.yaml`),
      '--kube-version',
      KUBE_VERSION,
    ];
    execFileSync(helm, ['lint', chart, '--strict', ...values], { stdio: 'pipe' });
    execFileSync(helm, ['template', 'hotswap', chart, ...values], { stdio: 'pipe' });
  }
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
    'values sets | actions/lint (bundle) | plain helm lint + template, sequential | ratio',
  );
  console.log(
    '----------- | --------------------- | -------------------------------------- | -----',
  );
  try {
    for (const count of [1, 8]) {
      const { dir, envs } = workspaceWith(count);
      await timeAction(job, dir, envs); // warm the file cache once
      const action: number[] = [];
      const plain: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        action.push(await timeAction(job, dir, envs));
        plain.push(timePlainHelm(job.helm, dir, envs));
      }
      const a = median(action);
      const p = median(plain);
      recordRows(row(`lint: ${count} values set(s) (peer: helm lint + template)`, a, p, RUNS));
      console.log(
        `${String(count).padStart(11)} | ${`${a.toFixed(0)} ms`.padStart(21)} | ${`${p.toFixed(0)} ms`.padStart(38)} | ${(a / p).toFixed(2)}x`,
      );
    }
  } finally {
    rmSync(job.runnerDir, { recursive: true, force: true });
  }
}

await main();
