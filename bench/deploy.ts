// Deploy benchmark, ours against plain helm 4, on the same cluster and fault,
// on kind (real pods: the broken version's container exits 1 at start, and
// the kubelet's real back-off) and on kwok (a crash loop by annotation, with
// kwok's compressed back-off), each on a cluster of its own made here:
//   1. bad upgrade: from its start until the release is healthy again on the
//      last good revision, split into detection and restore. Ours: the bundled
//      deploy action at default settings (fail-fast watch + rollback). Helm:
//      `helm upgrade --install --rollback-on-failure --timeout 5m`.
//   2. a healthy deploy's wall time: ours vs `helm upgrade --install --wait`.
// Usage: npx tsx bench/deploy.ts [kind|kwok ...]   (default: kind kwok)
//   BENCH_REPS (default 3) runs of each of ours and of the healthy deploys;
//   BENCH_HELM_RECOVERY_REPS (default 3) of helm's recovery, run side by side
//   (each waits out the whole 5-minute timeout); BENCH_HEALTHY_REPS (default
//   BENCH_REPS) of the healthy pair (BENCH_REPS=0 BENCH_HELM_RECOVERY_REPS=0
//   runs the healthy deploys only). BENCH_CRASH_LOOP_RESTARTS gives ours a
//   crash-loop-restarts other than the default, to see what it would change.
// Both tools run in one job, as in the deploy workflow: actions/setup first
// (helm and kubectl from the loopback mirror, helm's version recorded), then
// each deploy a step of that job; the peer runs the same helm.
import { runCommand } from '../src/exec/command.js';
import { toolPath } from '../test/support/tools.js';
import { benchCluster, type BenchCluster, type Engine } from './lib/bench-cluster.js';
import {
  helmDeploy,
  lastRevision,
  median,
  oursDeploy,
  secs,
  type Target,
  type Timed,
} from './lib/deploy-runs.js';
import { rmSync } from 'node:fs';
import { recordRows, row } from './lib/rows.js';
import { useActionRuntime } from './lib/action-runtime.js';
import { setupJob } from './lib/setup-job.js';

const reps = Number(process.env.BENCH_REPS ?? 3);
const helmRecoveryReps = Number(process.env.BENCH_HELM_RECOVERY_REPS ?? 3);
const healthyReps = Number(process.env.BENCH_HEALTHY_REPS ?? reps);
const oursBadInputs: Record<string, string> = process.env.BENCH_CRASH_LOOP_RESTARTS
  ? { 'crash-loop-restarts': process.env.BENCH_CRASH_LOOP_RESTARTS }
  : {};
const HELM_RECOVERY = 'helm upgrade --install --rollback-on-failure --timeout 5m';
const HELM_HEALTHY = 'helm upgrade --install --wait';

interface Results {
  oursBad: Timed[];
  helmBad: Timed[];
  oursHealthy: Timed[];
  helmHealthy: Timed[];
}

async function expectRolledBack(t: Target, release: string, r: Timed, who: string) {
  const last = await lastRevision(t, release);
  if (last.status !== 'deployed' || !/^Rollback/.test(last.description))
    throw new Error(`${who} did not end on a rollback: ${r.outcome}, ${JSON.stringify(last)}`);
  return last;
}

async function badUpgrades(
  c: BenchCluster,
  t: Target,
): Promise<Pick<Results, 'oursBad' | 'helmBad'>> {
  const oursBad: Timed[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await oursDeploy(t, 'ours', [...c.base, ...c.broken], oursBadInputs);
    if (r.outcome !== 'rolled-back') throw new Error(`ours: ${r.outcome}`);
    const last = await expectRolledBack(t, 'ours', r, 'ours');
    oursBad.push(r);
    console.log(
      `[${c.engine}] bad upgrade, ours #${i + 1}: ${secs(r.ms)} (detected at ${secs(r.detectMs)}; ${last.description})`,
    );
  }
  // Side by side: each waits out the same fixed timeout, so they barely compete.
  const helmBad = await Promise.all(
    Array.from({ length: helmRecoveryReps }, async (_, i) => {
      const release = `peer-${i + 1}`;
      const r = await helmDeploy(
        t,
        release,
        [...c.base, ...c.broken],
        ['--rollback-on-failure', '--debug'],
      );
      const last = await expectRolledBack(t, release, r, `helm (${release})`);
      console.log(
        `[${c.engine}] bad upgrade, helm #${i + 1}: ${secs(r.ms)} (detected at ${secs(r.detectMs)}; ${r.outcome}; ${last.description})`,
      );
      return r;
    }),
  );
  return { oursBad, helmBad };
}

async function healthyDeploys(
  c: BenchCluster,
  t: Target,
): Promise<Pick<Results, 'oursHealthy' | 'helmHealthy'>> {
  const oursHealthy: Timed[] = [];
  const helmHealthy: Timed[] = [];
  for (let i = 0; i < healthyReps; i++) {
    // Each changes the configuration, so the pods roll.
    const level = [`config.logLevel=${i % 2 === 0 ? 'warn' : 'info'}`];
    const a = await oursDeploy(t, 'ours', [...c.base, ...c.good, ...level]);
    if (a.outcome !== 'deployed') throw new Error(`ours healthy: ${a.outcome}`);
    const b = await helmDeploy(t, 'peer-1', [...c.base, ...c.good, ...level], ['--wait']);
    if (b.outcome !== 'exit 0') throw new Error(`helm healthy: ${b.outcome}`);
    oursHealthy.push(a);
    helmHealthy.push(b);
    console.log(
      `[${c.engine}] healthy deploy #${i + 1}: ours ${secs(a.ms)} (${a.phases}), helm ${secs(b.ms)}`,
    );
  }
  return { oursHealthy, helmHealthy };
}

async function benchEngine(engine: Engine): Promise<Results> {
  const job = await setupJob(`deploy-${engine}`);
  const c = await benchCluster(engine);
  const t: Target = { kubeconfig: c.kubeconfig, namespace: 'bench', job };
  try {
    await runCommand(toolPath('kubectl'), [
      '--kubeconfig',
      t.kubeconfig,
      'create',
      'namespace',
      t.namespace,
    ]);
    // Every release starts healthy on a good version, installed by the tool that upgrades it.
    // peer-1 also takes the healthy deploys.
    const peers = Array.from({ length: Math.max(1, helmRecoveryReps) }, (_, i) => `peer-${i + 1}`);
    await Promise.all([
      oursDeploy(t, 'ours', [...c.base, ...c.good]),
      ...peers.map((r) => helmDeploy(t, r, [...c.base, ...c.good], ['--wait'])),
    ]);
    const bad = await badUpgrades(c, t);
    const good = await healthyDeploys(c, t);
    return { ...bad, ...good };
  } finally {
    await c.remove();
    rmSync(job.runnerDir, { recursive: true, force: true });
  }
}

function report(engine: Engine, r: Results): void {
  const setting = process.env.BENCH_CRASH_LOOP_RESTARTS
    ? `, ours with crash-loop-restarts ${process.env.BENCH_CRASH_LOOP_RESTARTS}`
    : '';
  const m = (xs: Timed[], pick: (x: Timed) => number | undefined = (x) => x.ms) => {
    const values = xs.map(pick).filter((v): v is number => v !== undefined);
    return values.length === xs.length && values.length > 0 ? median(values) : undefined;
  };
  const restore = (x: Timed) => (x.detectMs === undefined ? undefined : x.ms - x.detectMs);
  const bad = [r.oursBad.length, r.helmBad.length, HELM_RECOVERY] as const;
  const rows: [string, number | undefined, number | undefined, number, number, string][] = [
    ['bad upgrade -> healthy on last good revision', m(r.oursBad), m(r.helmBad), ...bad],
    [
      '  of which detection',
      m(r.oursBad, (x) => x.detectMs),
      m(r.helmBad, (x) => x.detectMs),
      ...bad,
    ],
    ['  of which restore', m(r.oursBad, restore), m(r.helmBad, restore), ...bad],
    [
      'healthy deploy',
      m(r.oursHealthy),
      m(r.helmHealthy),
      r.oursHealthy.length,
      r.helmHealthy.length,
      HELM_HEALTHY,
    ],
  ];
  for (const [name, ours, peer, runs, peerRuns, peerCommand] of rows) {
    if (ours !== undefined)
      recordRows(
        row(
          `deploy on ${engine}${setting}: ${name.trim()}${peer === undefined ? '' : ` (peer: ${peerCommand})`}`,
          ours,
          peer ?? null,
          runs,
          peerRuns,
        ),
      );
    console.log(
      `| ${engine} | ${name} | ${secs(ours)} | ${secs(peer)} (n=${peerRuns}) | \`${peerCommand}\` |`,
    );
  }
}

async function main(): Promise<void> {
  useActionRuntime();
  const engines = (
    process.argv.slice(2).length ? process.argv.slice(2) : ['kind', 'kwok']
  ) as Engine[];
  for (const e of engines)
    if (e !== 'kind' && e !== 'kwok') throw new Error(`unknown engine ${e}: kind or kwok`);
  const results: [Engine, Results][] = [];
  for (const engine of engines) results.push([engine, await benchEngine(engine)]);
  console.log(
    `\n| cluster | scenario | ours (median of ${reps}; healthy ${healthyReps}) | helm 4 (median, n) | peer command |`,
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const [engine, r] of results) report(engine, r);
}

await main();
