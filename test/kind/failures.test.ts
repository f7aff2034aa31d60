// Bad upgrades made the way users make them, on real pods: a version that
// exits at start, a tag that was never pushed, a /health that answers 503, a
// version that needs more memory than its limit, requests no node can meet, a
// Secret key that does not exist. Each case upgrades a good release of
// chart/hotswap through the deploy bundle, in its own namespace, all at once:
// the failure is detected, named (object, reason, the container's last log
// lines, redacted), rolled back to the last good revision, and the smoke test
// passes afterwards. And a container that fails once at start (a slow
// dependency) is not rolled back at default settings.
import { afterAll, describe, expect, test } from 'vitest';
import { timeline, type Timeline } from './timeline.js';
import {
  createNamespace,
  deleteNamespace,
  deployInputs,
  history,
  kubectl,
  makeWorkspace,
  runDeployAction,
  smokeTest,
  valuesFile,
} from './support.js';

const workspace = makeWorkspace();
const namespaces: string[] = [];
afterAll(async () => {
  await Promise.all(namespaces.map(deleteNamespace));
  if (timelines.length) console.log(`kind timelines:\n${JSON.stringify(timelines, null, 1)}`);
});
const timelines: (Timeline & { case: string })[] = [];

const env = (vars: Record<string, string>) => ({
  extraEnv: Object.entries(vars).map(([name, value]) => ({ name, value })),
});

interface Case {
  name: string;
  values: Record<string, unknown>;
  reason: RegExp;
  /** A line the summary must show from the container's log. */
  logLine?: string;
  /** The failing object as the summary names it; a pod of the new revision unless set. */
  object?: RegExp;
  /** What the error annotation names, when not `object` (a timeout names the workload). */
  errorNames?: RegExp;
  /** Values of the good release too (the bad upgrade's file comes on top). */
  good?: Record<string, unknown>;
  /** helm history after the rollback; a watch-detected failure leaves helm's upgrade superseded. */
  statuses?: string[];
  extra?: Record<string, string>;
  before?: (namespace: string) => Promise<void>;
  /** The deploy, rollback included, ends sooner than this (ms). */
  within?: number;
}

const CASES: Case[] = [
  {
    name: 'exits 1 at start',
    values: env({ EXIT_AT_START: '1' }),
    reason: /CrashLoopBackOff/,
    logLine: 'schema version 42 required',
  },
  {
    name: 'image tag that does not exist',
    values: { image: { tag: 'v9.9.9-never-pushed' } },
    reason: /ErrImagePull|ImagePullBackOff/,
  },
  {
    name: '/health answers 503',
    values: env({ HEALTH_STATUS: '503' }),
    reason: /NotReady[\s\S]*probe failed: HTTP probe failed with statuscode: 503/,
    // Readiness that never passes has no terminal state: the deploy's timeout calls it.
    extra: { timeout: '90s' },
    errorNames: /did not become ready within 90s: waiting for Deployment\/hs-hotswap/,
    // The probe requests the pod answered 503, from its own log.
    logLine: '"path":"/health","status":503',
  },
  {
    name: 'OOMKilled at start under the chart limit',
    values: env({ ALLOCATE_MB: '700' }),
    reason: /CrashLoopBackOff/,
    logLine: 'loading kernels into memory',
  },
  {
    name: 'requests no node can meet',
    // A size meant for a bigger cluster: 16 CPUs on a 2-core node.
    values: { resources: { requests: { cpu: '16' }, limits: { cpu: '16' } } },
    reason: /Unschedulable/,
  },
  {
    name: 'a Secret key that does not exist',
    values: {
      extraEnv: [
        {
          name: 'API_TOKEN',
          valueFrom: { secretKeyRef: { name: 'api-keys', key: 'api-token' } },
        },
      ],
    },
    reason: /CreateContainerConfigError/,
    before: async (namespace: string) => {
      await kubectl([
        'create',
        'secret',
        'generic',
        'api-keys',
        '-n',
        namespace,
        '--from-literal=token=kind-api-token-value',
      ]);
    },
  },
  {
    name: 'passes readiness, then fails liveness',
    values: env({ UNHEALTHY_AFTER_S: '15' }),
    reason: /Liveness probe failed|restart/i,
    logLine: 'kernel watchdog stalled',
    extra: { 'stable-for': '90s' },
  },
  {
    name: 'OOMKilled after it was Ready',
    values: {
      ...env({ ALLOCATE_MB: '700', ALLOCATE_AFTER_S: '15' }),
      // Near its memory limit the kernel reclaims the container's file pages
      // (node's own code) before it kills: on a slow or busy machine the
      // process stalls for seconds, its probes time out and the pod turns
      // NotReady first, a true verdict, but not this case. Probes that wait
      // longer and no CPU throttling let the kill come first everywhere.
      resources: { limits: { cpu: '2' } },
      readinessProbe: { timeoutSeconds: 10, failureThreshold: 6 },
      livenessProbe: { timeoutSeconds: 10, failureThreshold: 6 },
    },
    // containerd says OOMKilled when it saw the cgroup's OOM event; on a busy
    // machine it can miss it, and the kill reads as exit code 137 (SIGKILL).
    reason: /OOMKilled|exit code 137 \(SIGKILL\)/,
    // No log line asserted: when the kubelet has already started the next
    // container, the killed one's log can be gone ("no logs available").
    // The object, the reason and the rollback are.
    extra: { 'stable-for': '90s' },
  },
  {
    name: 'a failing pre-upgrade migration Job',
    good: { migrations: { enabled: true, command: ['node', 'server.mjs'], args: ['migrate'] } },
    values: env({ MIGRATION_ERROR: 'column "kernel_id" of relation "swaps" already exists' }),
    object: /Job\/hs-hotswap-migrations/,
    // helm's own message names it with its namespace; when the deploy judged
    // the hook in the same moment, its message names it without.
    errorNames: /Job\/(fail-[a-z0-9]+\/)?hs-hotswap-migrations/,
    logLine: 'migration 0042_kernel_index failed',
    reason: /BackoffLimitExceeded|pre-upgrade hooks failed/,
    // helm itself failed the upgrade on its hook.
    statuses: ['superseded', 'failed', 'deployed'],
  },
  {
    // helm would await this hook through its back-off (10 s, 20 s, 40 s...)
    // until the backoffLimit or the 5-minute timeout; the deploy judges it
    // while helm runs and stops helm at its second failed attempt.
    name: 'a pre-upgrade migration Job that keeps failing, with attempts left',
    good: { migrations: { enabled: true, command: ['node', 'server.mjs'], args: ['migrate'] } },
    values: {
      ...env({ MIGRATION_ERROR: 'column "kernel_id" of relation "swaps" already exists' }),
      migrations: { backoffLimit: 6 },
    },
    extra: { 'crash-loop-restarts': '1' },
    object: /Job\/hs-hotswap-migrations/,
    errorNames: /hook failed: Job\/hs-hotswap-migrations/,
    logLine: 'migration 0042_kernel_index failed',
    reason: /JobAttemptsFailing/,
    statuses: ['superseded', 'failed', 'deployed'],
    within: 120_000,
  },
];

/** A namespace with a good release of chart/hotswap; returns the deploy inputs it used. */
async function goodRelease(
  prefix: string,
  good?: Record<string, unknown>,
): Promise<{ namespace: string; inputs: Record<string, string>; files: string[] }> {
  const namespace = await createNamespace(prefix);
  namespaces.push(namespace);
  const files = good ? [valuesFile(workspace, `good-${namespace}`, good)] : [];
  const inputs = deployInputs(workspace, namespace, 'hs', files);
  const first = await runDeployAction('deploy', inputs, { workspace });
  expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
  expect(first.outputs.status).toBe('deployed');
  return { namespace, inputs, files };
}

/** The same deploy with `file` on top: the same release, secrets and settings, one change. */
function upgrade(
  good: { inputs: Record<string, string> },
  file: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...good.inputs,
    'values-files': `${good.inputs['values-files']}\n${file}`,
    ...extra,
  };
}

describe('a bad upgrade on real pods is detected, named and rolled back', () => {
  for (const c of CASES) {
    test.concurrent(c.name, async () => {
      const good = await goodRelease('fail', c.good);
      const { namespace } = good;
      await c.before?.(namespace);
      const file = valuesFile(workspace, c.name.replace(/\W+/g, '-'), c.values);
      const inputs = upgrade(good, file, c.extra);

      const t = timeline();
      const started = Date.now();
      const run = await runDeployAction('deploy', inputs, { workspace, onSpawn: t.attach });
      const elapsed = Date.now() - started;
      const output = `${run.stdout}\n${run.stderr}`;
      timelines.push({ case: c.name, ...t.result() });

      expect(run.code, output).toBe(1);
      expect(run.outputs.status, output).toBe('rolled-back');
      if (c.within) expect(elapsed, output).toBeLessThan(c.within);
      expect(run.outputs.revision).toBe('2');
      expect(run.outputs['rolled-back-to']).toBe('1');
      // The object and the reason, in the summary and in the error annotation.
      const object = c.object ?? /Pod\/hs-hotswap-[a-z0-9]+-[a-z0-9]+/;
      expect(run.summary).toMatch(new RegExp(`\\| ${object.source} \\| `));
      expect(run.summary).toMatch(c.reason);
      expect(run.stdout).toMatch(new RegExp(`::error::.*${(c.errorNames ?? object).source}`));
      if (c.logLine) {
        expect(run.summary).toContain(c.logLine);
      }
      // The database password the crashing version logs is masked everywhere.
      const password = /password: (\S+)/.exec(inputs['secret-values']!)![1]!;
      const shown = `${output}\n${run.summary}`.replace(/^::add-mask::.*$/gm, '');
      expect(shown).not.toContain(password);

      const revisions = await history('hs', namespace);
      // helm's upgrade went through (the watch found the failure), so the rollback supersedes it.
      expect(revisions.map((r) => r.status)).toEqual(
        c.statuses ?? ['superseded', 'superseded', 'deployed'],
      );
      expect(revisions.at(-1)!.description).toMatch(/^Rollback to 1/);

      const smoke = await smokeTest(namespace, 'hs', workspace);
      expect(smoke.code, `${smoke.stdout}\n${smoke.stderr}`).toBe(0);
    });
  }

  test.concurrent('a container that fails once at start is not rolled back', async () => {
    const good = await goodRelease('once');
    const { namespace } = good;
    const file = valuesFile(
      workspace,
      'fails-once',
      env({ FAIL_FIRST_START: '/tmp/started-once' }),
    );
    const inputs = upgrade(good, file);
    const t = timeline();
    const run = await runDeployAction('deploy', inputs, { workspace, onSpawn: t.attach });
    timelines.push({ case: 'fails once at start', ...t.result() });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect((await history('hs', namespace)).map((r) => r.status)).toEqual([
      'superseded',
      'deployed',
    ]);
    // It did fail once, for real: the kubelet restarted it.
    const pods = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-o', 'json'])) as {
      items: {
        metadata: { name: string };
        status: { containerStatuses?: { restartCount: number }[] };
      }[];
    };
    const restarts = pods.items
      .filter((p) => p.metadata.name.startsWith('hs-hotswap-'))
      .flatMap((p) => (p.status.containerStatuses ?? []).map((c) => c.restartCount));
    expect(restarts).toContain(1);
  });
});
