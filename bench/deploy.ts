// Deploy benchmark, ours against plain helm 4, on the same cluster and fault:
//   1. recovery: from the start of a bad upgrade (a crash-looping pod) to the
//      release being healthy again on the last good revision. Ours: the
//      bundled deploy action (fail-fast watch + rollback). Helm: `helm upgrade
//      --install --rollback-on-failure --timeout 5m`.
//   2. a healthy deploy's wall time: ours vs `helm upgrade --install --wait`.
// Usage: KUBECONFIG=<kwok cluster> npx tsx bench/deploy.ts
//   BENCH_REPS (default 3) repetitions of each of ours and of the healthy
//   deploys; BENCH_HELM_RECOVERY_REPS (default 1) of helm's recovery, which
//   takes the whole 5-minute timeout each time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../src/exec/command.js';
import { REPO_ROOT, runAction } from '../test/support/run-action.js';
import { toolPath, TOOLS_BIN } from '../test/support/tools.js';
import { recordRows, row } from './lib/rows.js';

const kubeconfig = process.env.HOTSWAP_E2E_KUBECONFIG ?? process.env.KUBECONFIG ?? '';
if (kubeconfig === '' || !existsSync(kubeconfig)) {
  console.error(
    'Set KUBECONFIG (or HOTSWAP_E2E_KUBECONFIG) to a kwok cluster: see docs on the e2e cluster.',
  );
  process.exit(2);
}
const reps = Number(process.env.BENCH_REPS ?? 3);
const helmRecoveryReps = Number(process.env.BENCH_HELM_RECOVERY_REPS ?? 1);
const namespace = `bench-${process.pid}`;
const chart = path.join(REPO_ROOT, 'chart/hotswap');
const devValues = path.join(REPO_ROOT, 'chart/environments/dev.yaml');
const CRASH = 'podAnnotations.hotswap\\.dev/simulate=crash-loop';

const helm = (args: string[], allowFailure = false) =>
  runCommand(toolPath('helm'), [...args, '-n', namespace, '--kubeconfig', kubeconfig], {
    allowFailure,
    timeoutMs: 15 * 60_000,
  });

async function lastRevision(
  release: string,
): Promise<{ revision: number; status: string; description: string }> {
  const { stdout } = await helm(['history', release, '-o', 'json']);
  return (JSON.parse(stdout) as { revision: number; status: string; description: string }[]).at(
    -1,
  )!;
}

async function ours(release: string, set: string): Promise<{ ms: number; status: string }> {
  const started = performance.now();
  const run = await runAction('deploy', {
    inputs: {
      release,
      chart: 'chart/hotswap',
      namespace,
      'values-files': 'chart/environments/dev.yaml',
      set,
      diff: 'false',
      timeout: '5m',
      kubeconfig,
    },
    env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
  });
  return { ms: performance.now() - started, status: run.outputs.status ?? `exit ${run.code}` };
}

async function plainHelm(
  release: string,
  set: string,
  flags: string[],
): Promise<{ ms: number; code: number }> {
  const started = performance.now();
  const r = await helm(
    [
      'upgrade',
      release,
      chart,
      '--install',
      '-f',
      devValues,
      '--set',
      set,
      '--timeout',
      '5m',
      ...flags,
    ],
    true,
  );
  return { ms: performance.now() - started, code: r.code };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

async function main(): Promise<void> {
  await runCommand(toolPath('kubectl'), [
    '--kubeconfig',
    kubeconfig!,
    'create',
    'namespace',
    namespace,
  ]);
  try {
    // Releases start healthy.
    for (const release of ['ours', 'peer']) {
      await plainHelm(release, 'config.logLevel=info', ['--wait=watcher']);
    }

    // 1. Recovery from a bad upgrade.
    const oursRecovery: number[] = [];
    for (let i = 0; i < reps; i++) {
      const r = await ours('ours', CRASH);
      const last = await lastRevision('ours');
      if (r.status !== 'rolled-back' || last.status !== 'deployed')
        throw new Error(`ours: ${r.status}, ${JSON.stringify(last)}`);
      oursRecovery.push(r.ms);
      console.log(`recovery ours #${i + 1}: ${secs(r.ms)} (${last.description})`);
    }
    const helmRecovery: number[] = [];
    for (let i = 0; i < helmRecoveryReps; i++) {
      const r = await plainHelm('peer', CRASH, ['--rollback-on-failure']);
      const last = await lastRevision('peer');
      if (r.code === 0 || last.status !== 'deployed')
        throw new Error(`helm: exit ${r.code}, ${JSON.stringify(last)}`);
      helmRecovery.push(r.ms);
      console.log(`recovery helm #${i + 1}: ${secs(r.ms)} (${last.description})`);
    }

    // 2. Healthy deploys (each changes the config, so pods roll).
    const oursHealthy: number[] = [];
    const helmHealthy: number[] = [];
    for (let i = 0; i < reps; i++) {
      const level = i % 2 === 0 ? 'debug' : 'warn';
      const a = await ours('ours', `config.logLevel=${level}`);
      if (a.status !== 'deployed') throw new Error(`ours healthy: ${a.status}`);
      oursHealthy.push(a.ms);
      const b = await plainHelm('peer', `config.logLevel=${level}`, ['--wait=watcher']);
      if (b.code !== 0) throw new Error(`helm healthy: exit ${b.code}`);
      helmHealthy.push(b.ms);
      console.log(`healthy #${i + 1}: ours ${secs(a.ms)}, helm ${secs(b.ms)}`);
    }

    const rows = [
      [
        'bad upgrade (crash loop) -> healthy on last good revision',
        oursRecovery,
        helmRecovery,
        'helm upgrade --install --rollback-on-failure --timeout 5m',
      ],
      ['healthy deploy', oursHealthy, helmHealthy, 'helm upgrade --install --wait'],
    ] as const;
    console.log(
      '\n| scenario | ours (median, n) | helm 4 (median, n) | helm / ours | peer command |',
    );
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, a, b, peer] of rows) {
      const ma = median([...a]);
      const mb = median([...b]);
      recordRows(row(`deploy: ${name} (peer: ${peer})`, ma, mb, a.length));
      console.log(
        `| ${name} | ${secs(ma)} (n=${a.length}) | ${secs(mb)} (n=${b.length}) | ${(mb / ma).toFixed(2)}x | \`${peer}\` |`,
      );
    }
  } finally {
    await runCommand(
      toolPath('kubectl'),
      ['--kubeconfig', kubeconfig!, 'delete', 'namespace', namespace, '--wait=false'],
      { allowFailure: true },
    );
  }
}

await main();
