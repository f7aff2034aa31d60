// Automatic rollbacks in a row, through the deploy bundle run as the runner
// runs it: one good deploy, then `rounds` deploys of a crash-looping upgrade
// (kwok pod annotation hotswap.dev/simulate: crash-loop), each of which must
// be reported rolled-back to the last verified revision, with the restored
// revision verified by the watch and its Deployment fully available.
// Shared by the e2e test (a few rounds) and `npm run soak` (twenty).
import { parseRecordLabels } from '../../src/release/records.js';
import { runCommand } from '../../src/exec/command.js';
import { runAction, REPO_ROOT } from './run-action.js';
import { TOOLS_BIN, toolPath } from './tools.js';

export interface SoakOptions {
  kubeconfig: string;
  namespace: string;
  rounds: number;
  release?: string;
  onRound?: (round: SoakRound) => void;
}

export interface SoakRound {
  round: number;
  status: string;
  revision: number;
  rolledBackTo: number;
  /** The revision the rollback created, verified by the watch. */
  restored: number;
  /** The release's newest revision is deployed, verified, and its Deployment fully available. */
  healthy: boolean;
  seconds: number;
  problem?: string;
}

async function kubectl(kubeconfig: string, args: string[]): Promise<string> {
  const r = await runCommand(toolPath('kubectl'), ['--kubeconfig', kubeconfig, ...args], {
    timeoutMs: 60_000,
  });
  return r.stdout;
}

function deployInputs(o: SoakOptions, set: string): Record<string, string> {
  return {
    release: o.release ?? 'soak',
    chart: 'chart/hotswap',
    namespace: o.namespace,
    'values-files': 'chart/environments/dev.yaml',
    diff: 'false',
    timeout: '3m',
    kubeconfig: o.kubeconfig,
    set,
  };
}

async function runDeploy(o: SoakOptions, set: string) {
  return runAction('deploy', {
    inputs: deployInputs(o, set),
    workspace: REPO_ROOT,
    env: { PATH: `${TOOLS_BIN}:${process.env.PATH}` },
  });
}

/** What the cluster says about the release now: newest revision, verified, Deployment available. */
async function releaseHealth(o: SoakOptions): Promise<{ revision: number; problem?: string }> {
  const release = o.release ?? 'soak';
  const labels = await kubectl(o.kubeconfig, [
    'get',
    'secrets',
    '-n',
    o.namespace,
    '-l',
    `owner=helm,name=${release}`,
    '-o',
    'jsonpath={range .items[*]}{.metadata.labels}{"\\n"}{end}',
  ]);
  const records = parseRecordLabels(
    labels
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, string>),
  );
  const latest = records.latest;
  if (!latest) return { revision: 0, problem: 'no release record' };
  if (latest.status !== 'deployed')
    return { revision: latest.revision, problem: `newest revision is ${latest.status}` };
  if (!records.marks.get(latest.revision)?.verified)
    return { revision: latest.revision, problem: 'newest revision is not recorded as verified' };
  const d = JSON.parse(
    await kubectl(o.kubeconfig, [
      'get',
      'deployment',
      `${release}-hotswap`,
      '-n',
      o.namespace,
      '-o',
      'json',
    ]),
  ) as { spec: { replicas: number }; status: Record<string, number | undefined> };
  const want = d.spec.replicas;
  const s = d.status;
  if (s.updatedReplicas !== want || s.availableReplicas !== want || (s.replicas ?? 0) !== want)
    return {
      revision: latest.revision,
      problem: `Deployment not settled: ${JSON.stringify({ want, ...s })}`,
    };
  return { revision: latest.revision };
}

export async function crashLoopRollbacks(o: SoakOptions): Promise<SoakRound[]> {
  await kubectl(o.kubeconfig, ['create', 'namespace', o.namespace]);
  const first = await runDeploy(o, 'config.logLevel=info');
  if (first.outputs.status !== 'deployed')
    throw new Error(`the first deploy was not deployed: ${first.stdout}`);
  let lastVerified = Number(first.outputs['last-verified-revision']);
  const rounds: SoakRound[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const started = Date.now();
    // A different annotation value each round keeps every upgrade a real change.
    const run = await runDeploy(
      o,
      `podAnnotations.hotswap\\.dev/simulate=crash-loop,podAnnotations.soak-round=r${round}`,
    );
    const health = await releaseHealth(o);
    const problems: string[] = [];
    if (run.outputs.status !== 'rolled-back') problems.push(`status ${run.outputs.status}`);
    if (Number(run.outputs['rolled-back-to']) !== lastVerified)
      problems.push(`rolled back to ${run.outputs['rolled-back-to']}, not ${lastVerified}`);
    if (!/✅ rolled back to verified revision/.test(run.summary))
      problems.push('the summary does not report a verified rollback');
    if (health.problem) problems.push(health.problem);
    const result: SoakRound = {
      round,
      status: run.outputs.status ?? '',
      revision: Number(run.outputs.revision),
      rolledBackTo: Number(run.outputs['rolled-back-to']),
      restored: health.revision,
      healthy: !health.problem,
      seconds: (Date.now() - started) / 1000,
      problem: problems.length ? `${problems.join('; ')}\n${run.stdout.slice(-3000)}` : undefined,
    };
    rounds.push(result);
    o.onRound?.(result);
    // The restored revision, verified, is where the next round goes back to.
    if (!health.problem) lastVerified = health.revision;
  }
  return rounds;
}
