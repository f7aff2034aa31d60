// Pod behaviour on the kwok cluster: healthy pods, completing Jobs, and each
// simulated failure (hotswap.dev/simulate) as the kubelet would report it.
// The scheduler's and admission's verdicts are real, not simulated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  condition,
  createNamespace,
  deleteNamespace,
  kubectl,
  kubectlJson,
  pods,
  waitFor,
  type Pod,
} from './support.js';

let ns: string;
beforeAll(async () => {
  ns = await createNamespace('failure-modes');
});
afterAll(async () => {
  if (ns) await deleteNamespace(ns);
});

function deployment(
  name: string,
  opts: { simulate?: string; replicas?: number; extra?: object } = {},
) {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          annotations: opts.simulate ? { 'hotswap.dev/simulate': opts.simulate } : {},
        },
        spec: {
          containers: [{ name: 'api', image: 'ghcr.io/hotswap/api:1.4.2' }],
          ...opts.extra,
        },
      },
    },
  });
}

function job(name: string, simulate?: string) {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { annotations: simulate ? { 'hotswap.dev/simulate': simulate } : {} },
        spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox:1.37' }] },
      },
    },
  });
}

async function onePod(selector: string, ready: (pod: Pod) => boolean, what: string) {
  return waitFor(what, async () => (await pods(ns, selector)).find(ready));
}

describe('healthy workloads', () => {
  it('Deployment pods become Running and Ready, spread over the zones by the real scheduler', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      deployment('web', {
        replicas: 3,
        extra: {
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app: 'web' } },
            },
          ],
        },
      }),
    );
    await kubectl(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s']);
    const list = await pods(ns, 'app=web');
    expect(list).toHaveLength(3);
    for (const pod of list) {
      expect(pod.status.phase).toBe('Running');
      expect(condition(pod, 'Ready')?.status).toBe('True');
      expect(condition(pod, 'ContainersReady')?.status).toBe('True');
      expect(condition(pod, 'PodScheduled')?.status).toBe('True');
      expect(pod.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/); // kwok-controller --cidr
      expect(pod.status.containerStatuses?.[0]).toMatchObject({ ready: true, started: true });
      expect(pod.status.containerStatuses?.[0]?.state.running).toBeDefined();
    }
    const nodes = await kubectlJson<{
      items: { metadata: { name: string; labels: Record<string, string> } }[];
    }>(['get', 'nodes']);
    const zoneOf = new Map(
      nodes.items.map((n) => [n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone']]),
    );
    expect(new Set(list.map((p) => zoneOf.get(p.spec.nodeName!)))).toEqual(
      new Set(['a', 'b', 'c']),
    );
  });

  it('a Job pod runs to completion: Succeeded, exit code 0, Job Complete', async () => {
    await kubectl(['apply', '-f', '-'], job('migrate'));
    await kubectl(['-n', ns, 'wait', '--for=condition=Complete', 'job/migrate', '--timeout=60s']);
    const pod = (await pods(ns, 'job-name=migrate'))[0]!;
    expect(pod.status.phase).toBe('Succeeded');
    expect(pod.status.containerStatuses?.[0]?.state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
  });
});

describe('simulated failures', () => {
  it('crash-loop: CrashLoopBackOff, restartCount climbing, lastState terminated with Error', async () => {
    await kubectl(['apply', '-f', '-'], deployment('crash', { simulate: 'crash-loop' }));
    const pod = await onePod(
      'app=crash',
      (p) =>
        (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 2 &&
        p.status.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff',
      'a crash-looping pod with 2 restarts',
    );
    const container = pod.status.containerStatuses![0]!;
    expect(pod.status.phase).toBe('Running');
    expect(container.ready).toBe(false);
    expect(container.state.waiting?.message).toMatch(
      /^back-off \d+s restarting failed container=api pod=/,
    );
    expect(container.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(condition(pod, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
    // The Deployment controller sees no available replica.
    const rollout = await kubectl([
      '-n',
      ns,
      'rollout',
      'status',
      'deployment/crash',
      '--timeout=2s',
    ]).catch((error: Error) => error);
    expect(rollout).toBeInstanceOf(Error);
  });

  it('image-pull: Pending with ErrImagePull, then ImagePullBackOff', async () => {
    await kubectl(['apply', '-f', '-'], deployment('pull', { simulate: 'image-pull' }));
    const seen = new Set<string>();
    const pod = await waitFor('ErrImagePull and ImagePullBackOff', async () => {
      const [p] = await pods(ns, 'app=pull');
      const reason = p?.status.containerStatuses?.[0]?.state.waiting?.reason;
      if (reason) seen.add(reason);
      return seen.has('ErrImagePull') && seen.has('ImagePullBackOff') ? p : undefined;
    });
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.containerStatuses?.[0]).toMatchObject({ ready: false, restartCount: 0 });
    expect(condition(pod, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
  });

  it('not-ready: Running, container started but not ready, Ready=False', async () => {
    await kubectl(['apply', '-f', '-'], deployment('unready', { simulate: 'not-ready' }));
    const pod = await onePod('app=unready', (p) => p.status.phase === 'Running', 'a running pod');
    expect(pod.status.containerStatuses?.[0]).toMatchObject({
      ready: false,
      started: true,
      restartCount: 0,
    });
    expect(condition(pod, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [api]',
    });
    const events = await kubectlJson<{ items: { reason: string; type: string }[] }>([
      '-n',
      ns,
      'get',
      'events',
      '--field-selector',
      `involvedObject.name=${pod.metadata.name}`,
    ]);
    expect(events.items).toContainEqual(
      expect.objectContaining({ type: 'Warning', reason: 'Unhealthy' }),
    );
  });

  it('fail: a Job pod exits 1, the pod is Failed and the Job fails with BackoffLimitExceeded', async () => {
    await kubectl(['apply', '-f', '-'], job('broken', 'fail'));
    await kubectl(['-n', ns, 'wait', '--for=condition=Failed', 'job/broken', '--timeout=60s']);
    const failed = await kubectlJson<{
      status: { conditions: { type: string; reason: string }[] };
    }>(['-n', ns, 'get', 'job', 'broken']);
    expect(failed.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Failed', reason: 'BackoffLimitExceeded' }),
    );
    const pod = (await pods(ns, 'job-name=broken'))[0]!;
    expect(pod.status.phase).toBe('Failed');
    expect(pod.status.containerStatuses?.[0]?.state.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
  });

  it('unschedulable: requests larger than any node stay Pending with PodScheduled=False Unschedulable', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      deployment('huge', {
        extra: {
          containers: [
            {
              name: 'api',
              image: 'ghcr.io/hotswap/api:1.4.2',
              resources: { requests: { cpu: '8', memory: '64Gi' } },
            },
          ],
        },
      }),
    );
    const pod = await onePod(
      'app=huge',
      (p) => condition(p, 'PodScheduled')?.reason === 'Unschedulable',
      'the scheduler verdict',
    );
    expect(pod.status.phase).toBe('Pending');
    expect(condition(pod, 'PodScheduled')?.status).toBe('False');
    expect(condition(pod, 'PodScheduled')?.message).toMatch(
      /0\/3 nodes are available: .*Insufficient cpu/,
    );
  });
});

describe('admission', () => {
  it('Pod Security admission enforces the restricted profile', async () => {
    const restricted = await createNamespace('psa', {
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    try {
      const result = await kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'privileged', namespace: restricted },
          spec: {
            containers: [
              { name: 'c', image: 'busybox:1.37', securityContext: { privileged: true } },
            ],
          },
        }),
      ).catch((error: Error) => error);
      expect(String(result)).toMatch(/violates PodSecurity "restricted:latest"/);
    } finally {
      await deleteNamespace(restricted);
    }
  });
});
