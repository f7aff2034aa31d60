// A Job whose pods have restartPolicy Never (the public `application` chart's
// Jobs, restartPolicy being a value), through the bundled deploy action. Its
// failed attempts are new pods, never a crash loop: an upgrade adding a Job
// whose pods keep failing is rolled back at the attempt after the crash-loop
// threshold, not after backoffLimit's retries or the timeout. A Job whose
// first attempt fails and whose retry succeeds (the test ends each attempt as
// the kubelet would) is healthy, a stability window included: the failed pod
// the Job keeps is a past attempt.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlJson } from '../support.js';
import { history, kubectl, makeWorkspace, runDeployAction } from './harness.js';

const namespace = `job-attempts-${process.pid}`;
const workspace = makeWorkspace();
const chart = 'test-charts/application';
const base = {
  release: 'batch',
  chart,
  namespace,
  'values-files': `${chart}/ci/kwok-values.yaml`,
  diff: 'false',
  timeout: '3m',
};

/** A values file adding Job `shop-<name>` (restartPolicy Never) with these pod annotations. */
function jobValues(name: string, podAnnotations: Record<string, string> = {}): string {
  const file = `job-${name}.yaml`;
  writeFileSync(
    path.join(workspace, file),
    JSON.stringify({
      job: {
        jobs: {
          [name]: {
            image: { repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.14.1' },
            command: ['./podinfo', '--version'],
            restartPolicy: 'Never',
            additionalPodAnnotations: podAnnotations,
          },
        },
      },
    }),
  );
  return `${base['values-files']}\n${file}`;
}

interface Pod {
  metadata: { name: string };
  spec: { containers: { name: string; image: string }[] };
  status: { phase?: string };
}

async function jobPods(job: string): Promise<Pod[]> {
  const list = await kubectlJson<{ items: Pod[] }>([
    '-n',
    namespace,
    'get',
    'pods',
    '-l',
    `batch.kubernetes.io/job-name=${job}`,
  ]);
  return list.items;
}

/**
 * Plays the kubelet for the Job's attempts, in order: each pod (kept running
 * and never Ready by kwok, see `not-ready`) ends as a container exiting with
 * that code would end it, Failed or Succeeded. Returns the pods' names.
 */
async function endAttempts(job: string, exitCodes: number[], stop: AbortSignal): Promise<string[]> {
  const ended: string[] = [];
  while (ended.length < exitCodes.length && !stop.aborted) {
    const pod = (await jobPods(job)).find(
      (p) => p.status.phase === 'Running' && !ended.includes(p.metadata.name),
    );
    if (!pod) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const exitCode = exitCodes[ended.length]!;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const reason = exitCode === 0 ? 'Completed' : 'Error';
    const status = {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode, reason, startedAt: now, finishedAt: now } },
      })),
    };
    await kubectl([
      '-n',
      namespace,
      'patch',
      'pod',
      pod.metadata.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);
    ended.push(pod.metadata.name);
  }
  return ended;
}

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  const run = await runDeployAction('deploy', base, { workspace });
  expect(run.code, run.stdout).toBe(0);
}, 300_000);

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('deploy: Jobs whose pods are never restarted (restartPolicy Never)', () => {
  it('an upgrade adding a Job whose attempts keep failing is rolled back at its second failure', async () => {
    const started = Date.now();
    const run = await runDeployAction(
      'deploy',
      { ...base, 'values-files': jobValues('seed', { 'hotswap.dev/simulate': 'fail' }) },
      { workspace },
    );
    const elapsedS = (Date.now() - started) / 1000;
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs.status, run.stdout).toBe('rolled-back');
    expect(run.outputs['rolled-back-to']).toBe('1');
    expect(run.summary).toContain('| Job/shop-seed | JobAttemptsFailing |');
    expect(run.summary).toMatch(/2 pods failed in a row \(restartPolicy Never\)/);
    // The second attempt comes after the Job controller's 10 s back-off;
    // backoffLimit 6 would go on for minutes, the timeout is 3 minutes.
    expect(elapsedS).toBeLessThan(60);
    // The rollback removed the Job the broken revision added.
    expect(await jobPods('shop-seed')).toEqual([]);
  }, 300_000);

  it('a Job that failed once and then succeeded is healthy, through stable-for', async () => {
    const stop = new AbortController();
    const playing = endAttempts('shop-warmup', [1, 0], stop.signal);
    playing.catch(() => {});
    const run = await runDeployAction(
      'deploy',
      {
        ...base,
        'values-files': jobValues('warmup', { 'hotswap.dev/simulate': 'not-ready' }),
        'stable-for': '5s',
      },
      { workspace },
    );
    stop.abort();
    const [failed, succeeded] = await playing;
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.stdout).toContain('Ready; watching that it stays so for 5s');
    const phases = Object.fromEntries(
      (await jobPods('shop-warmup')).map((p) => [p.metadata.name, p.status.phase]),
    );
    expect(phases).toEqual({ [failed!]: 'Failed', [succeeded!]: 'Succeeded' });
    expect((await history('batch', namespace)).at(-1)?.status).toBe('deployed');
  }, 300_000);
});
