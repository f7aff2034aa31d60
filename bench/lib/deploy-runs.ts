// One timed deploy of each kind, ours and plain helm's, on a bench cluster.
// Every run is timed from its start until the release's Deployment is healthy
// again (`kubectl rollout status`), so "done" means the same for both: for a
// bad upgrade, healthy on the last good revision. Detection is the moment the
// tool says the upgrade failed and it is rolling back (ours: its log line;
// helm: its --debug line about the rollback); restore is the rest.
import path from 'node:path';
import { runCommand } from '../../src/exec/command.js';
import { REPO_ROOT, runAction } from '../../test/support/run-action.js';
import { toolPath } from '../../test/support/tools.js';
import type { Job } from './setup-job.js';

export interface Timed {
  ms: number;
  /** From the start to the failure being called, when the tool said so. */
  detectMs?: number;
  /** ours: the action's status output; helm: its exit code. */
  outcome: string;
  /** ours: the summary's "Time by phase" line. */
  phases?: string;
}

export interface Target {
  kubeconfig: string;
  namespace: string;
  /** The job both tools run in: actions/setup's helm and kubectl, helm's version recorded. */
  job: Job;
}

const DEV_VALUES = 'chart/environments/dev.yaml';

/** Waits for the release's Deployment to be fully rolled out and available. */
async function healthy(t: Target, release: string): Promise<void> {
  await runCommand(
    toolPath('kubectl'),
    [
      'rollout',
      'status',
      `deployment/${release}-hotswap`,
      '-n',
      t.namespace,
      '--kubeconfig',
      t.kubeconfig,
      '--timeout=5m',
    ],
    { timeoutMs: 6 * 60_000 },
  );
}

/** The bundled deploy action with its default inputs (diff on, the fail-fast watch) and `extra`. */
export async function oursDeploy(
  t: Target,
  release: string,
  set: string[],
  extra: Record<string, string> = {},
): Promise<Timed> {
  const started = performance.now();
  let detectMs: number | undefined;
  const run = await runAction('deploy', {
    inputs: {
      release,
      chart: 'chart/hotswap',
      namespace: t.namespace,
      'values-files': DEV_VALUES,
      set: set.join('\n'),
      timeout: '5m',
      kubeconfig: t.kubeconfig,
      ...extra,
    },
    runnerDir: t.job.runnerDir,
    env: { PATH: t.job.path },
    timeoutMs: 15 * 60_000,
    onSpawn: (child) =>
      child.stdout?.on('data', (d: Buffer) => {
        if (detectMs === undefined && /Deploy failed: |Rolling back '/.test(d.toString()))
          detectMs = performance.now() - started;
      }),
  });
  await healthy(t, release);
  return {
    ms: performance.now() - started,
    detectMs,
    outcome: run.outputs.status ?? `exit ${run.code}: ${run.stdout.slice(-2000)}`,
    phases: /Time by phase: ([^\n]*)/.exec(run.summary)?.[1],
  };
}

export async function helmDeploy(
  t: Target,
  release: string,
  set: string[],
  flags: string[],
): Promise<Timed> {
  const started = performance.now();
  let detectMs: number | undefined;
  const r = await runCommand(
    t.job.helm,
    [
      'upgrade',
      release,
      path.join(REPO_ROOT, 'chart/hotswap'),
      '--install',
      '-f',
      path.join(REPO_ROOT, DEV_VALUES),
      ...set.flatMap((s) => ['--set', s]),
      '--timeout',
      '5m',
      ...flags,
      '-n',
      t.namespace,
      '--kubeconfig',
      t.kubeconfig,
    ],
    {
      allowFailure: true,
      timeoutMs: 15 * 60_000,
      onLine: (line) => {
        if (detectMs === undefined && /rolling back/i.test(line))
          detectMs = performance.now() - started;
      },
    },
  );
  await healthy(t, release);
  return { ms: performance.now() - started, detectMs, outcome: `exit ${r.code}` };
}

export interface Revision {
  revision: number;
  status: string;
  description: string;
}

export async function lastRevision(t: Target, release: string): Promise<Revision> {
  const { stdout } = await runCommand(t.job.helm, [
    'history',
    release,
    '-o',
    'json',
    '-n',
    t.namespace,
    '--kubeconfig',
    t.kubeconfig,
  ]);
  return (JSON.parse(stdout) as Revision[]).at(-1)!;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const secs = (ms: number | undefined) =>
  ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;
