import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/exec/command.js';
import { Kubectl, type KubeObject } from '../../../src/kube/kubectl.js';
import { releaseObjects } from '../../../src/kube/release-objects.js';
import {
  FIRST_POLL_MS,
  pollDelay,
  resourceArg,
  sharedSelector,
  snapshotPlan,
  watchRollout,
} from '../../../src/kube/rollout-watch.js';
import { clearSecrets, registerSecret } from '../../../src/secrets/redact.js';

const NS = 'shop';
const policy = { crashLoopRestarts: 2, unschedulableGraceMs: 30_000 };

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec: { selector: { matchLabels: { app: web } } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec: { selector: { matchLabels: { app: db } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: monitoring }
spec: { selector: { matchLabels: { app: agent } } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w }
`;

/** A kubectl whose process boundary answers from a table and records every argv. */
class FakeKubectl extends Kubectl {
  calls: string[][] = [];
  constructor(private readonly answer: (args: string[]) => string) {
    super({ kubectl: 'kubectl' });
  }
  override run(args: readonly string[]): Promise<CommandResult> {
    this.calls.push([...args]);
    return Promise.resolve({
      code: 0,
      stdout: this.answer([...args]),
      stderr: '',
    } as CommandResult);
  }
}

const list = (items: KubeObject[]) => JSON.stringify({ kind: 'List', items });

/**
 * A StatefulSet rolled back to db-good whose pod db-0 is stuck on db-broken:
 * Ready once that pod was deleted (what the controller does not do by itself).
 */
function stuckStatefulSet(): FakeKubectl {
  const sts: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: NS, uid: 'db-uid', generation: 3 },
    spec: { replicas: 1, selector: { matchLabels: { app: 'db' } } },
    status: {
      observedGeneration: 3,
      replicas: 1,
      readyReplicas: 0,
      updateRevision: 'db-good',
      currentRevision: 'db-good',
    },
  };
  const stuck: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'db-0',
      namespace: NS,
      labels: { app: 'db', 'controller-revision-hash': 'db-broken' },
      ownerReferences: [{ kind: 'StatefulSet', name: 'db', uid: 'db-uid' }],
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
  };
  let deleted = false;
  const kubectl = new FakeKubectl((args) => {
    if (args[0] === 'delete') {
      deleted = true;
      return '';
    }
    const now = deleted
      ? { ...sts, status: { ...sts.status, readyReplicas: 1, updatedReplicas: 1 } }
      : sts;
    return list(deleted ? [now] : [now, stuck]);
  });
  return kubectl;
}

describe('snapshotPlan and resourceArg', () => {
  it('lists per namespace the types of the watched objects and what links their pods', () => {
    const plan = snapshotPlan(releaseObjects(MANIFEST, NS), policy);
    expect(
      Object.fromEntries(
        [...plan.namespaces].map(([ns, e]) => [
          ns,
          { objects: e.objects.map(resourceArg), types: e.types },
        ]),
      ),
    ).toEqual({
      shop: {
        objects: ['deployments.apps/web', 'statefulsets.apps/db', 'widget.v1.example.com/w'],
        types: [
          'deployments.apps',
          'pods',
          'replicasets.apps',
          'statefulsets.apps',
          'widget.v1.example.com',
        ],
      },
      monitoring: {
        objects: ['daemonsets.apps/agent'],
        types: ['daemonsets.apps', 'pods', 'controllerrevisions.apps'],
      },
    });
    expect(plan.clusterScoped).toEqual([]);
  });

  it('gets cluster-scoped custom resources by name', () => {
    const objects = releaseObjects(
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: gates.example.com }
spec: { group: example.com, scope: Cluster, names: { kind: Gate } }
---
apiVersion: example.com/v1beta1
kind: Gate
metadata: { name: main }
`,
      NS,
    );
    expect(snapshotPlan(objects, policy).clusterScoped.map(resourceArg)).toEqual([
      'gate.v1beta1.example.com/main',
    ]);
  });

  it('leaves hooks out unless they are judged', () => {
    const objects = releaseObjects('', NS, [
      {
        manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: m }\n',
        events: ['pre-upgrade'],
      },
    ]);
    expect(snapshotPlan(objects, policy).namespaces.size).toBe(0);
    expect([...snapshotPlan(objects, { ...policy, includeHooks: true }).namespaces.keys()]).toEqual(
      [NS],
    );
  });
});

describe('sharedSelector', () => {
  const release = (labels: string, selector: string, template = selector) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { ${labels} } }
spec:
  selector: { matchLabels: { ${selector} } }
  template: { metadata: { labels: { ${template} } } }
---
apiVersion: batch/v1
kind: Job
metadata: { name: migrate, labels: { ${labels} } }
spec: { template: { metadata: { labels: { ${template} } } } }
---
apiVersion: v1
kind: Service
metadata: { name: web, labels: { ${labels} } }
`;

  it("keeps the pairs of every object's labels that its pods carry by the API's rules", () => {
    const objects = releaseObjects(
      release(
        'app.kubernetes.io/instance: shop, app.kubernetes.io/name: web, helm.sh/chart: web-1.2.0',
        'app.kubernetes.io/instance: shop, app.kubernetes.io/name: web',
      ),
      NS,
    );
    expect(sharedSelector(objects)).toBe(
      'app.kubernetes.io/instance=shop,app.kubernetes.io/name=web',
    );
    expect(snapshotPlan(objects, policy).namespaces.get(NS)?.selector).toBe(
      'app.kubernetes.io/instance=shop,app.kubernetes.io/name=web',
    );
  });

  it('selects nothing narrower when a workload labels itself but not its selector', () => {
    // The chart version is in the Deployment's labels and its template, not its
    // selector: ReplicaSets of an older chart version would not carry it.
    const objects = releaseObjects(
      release(
        'helm.sh/chart: web-1.2.0, tier: api',
        'app: web',
        'app: web, helm.sh/chart: web-1.2.0',
      ),
      NS,
    );
    expect(sharedSelector(objects)).toBeUndefined();
  });

  it('leaves out pairs that hold a secret value or that a selector cannot carry', () => {
    registerSecret('s3cr3t-token');
    try {
      const objects = releaseObjects(
        release('a: s3cr3t-token, b: "x y", c: ok', 'a: s3cr3t-token, b: "x y", c: ok'),
        NS,
      );
      expect(sharedSelector(objects)).toBe('c=ok');
    } finally {
      clearSecrets();
    }
  });
});

describe('pollDelay', () => {
  it('waits a quarter of the time spent, from FIRST_POLL_MS up to the interval', () => {
    expect(FIRST_POLL_MS).toBe(100);
    const table: [elapsedMs: number, pollMs: number, delay: number][] = [
      [0, 500, 100],
      [400, 500, 100],
      [1000, 500, 250],
      [1999, 500, 500],
      [2000, 500, 500],
      [120_000, 500, 500],
      [120_000, 2000, 2000],
      // A configured interval shorter than the first wait is never lengthened.
      [0, 1, 1],
      [0, 50, 50],
    ];
    for (const [elapsed, poll, delay] of table)
      expect([elapsed, poll, pollDelay(elapsed, poll)]).toEqual([elapsed, poll, delay]);
  });
});

describe('watchRollout', () => {
  it('takes each snapshot with one kubectl call per namespace, and picks the objects by name', async () => {
    const web: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS, generation: 1 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
    };
    // Another Deployment in the namespace, not the release's: never judged.
    const other = { ...web, metadata: { ...web.metadata, name: 'other' }, status: {} };
    const kubectl = new FakeKubectl(() => list([other, web]));
    const objects = releaseObjects(MANIFEST.split('---')[0]!, NS);
    const result = await watchRollout(kubectl, { ...policy, objects, timeoutMs: 5000, pollMs: 1 });
    expect(result.state).toBe('ready');
    expect(kubectl.calls).toEqual([
      ['get', 'deployments.apps,pods,replicasets.apps', '-n', NS, '-o', 'json'],
    ]);
  });

  it('lists by the shared labels, and the whole namespace once an object is not in that listing', async () => {
    const labels = { app: 'web' };
    const web: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS, generation: 1 },
      spec: { replicas: 1, selector: { matchLabels: labels } },
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 0 },
    };
    const ready = { ...web, status: { ...web.status, updatedReplicas: 1, availableReplicas: 1 } };
    // The live Deployment lost its label: a narrowed listing does not hold it.
    let polls = 0;
    const kubectl = new FakeKubectl((args) =>
      list(args.includes('-l') ? [] : [++polls > 1 ? ready : web]),
    );
    const objects = releaseObjects(
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec: { selector: { matchLabels: { app: web } } }
`,
      NS,
    );
    const result = await watchRollout(kubectl, { ...policy, objects, timeoutMs: 5000, pollMs: 1 });
    expect(result.state).toBe('ready');
    const get = ['get', 'deployments.apps,pods,replicasets.apps', '-n', NS, '-o', 'json'];
    expect(kubectl.calls).toEqual([[...get, '-l', 'app=web'], get, get]);
  });

  it('waits for an object of the release that is not there, and times out naming it', async () => {
    const kubectl = new FakeKubectl(() => list([]));
    let t = 0;
    const result = await watchRollout(kubectl, {
      ...policy,
      objects: releaseObjects(MANIFEST.split('---')[0]!, NS),
      timeoutMs: 10,
      pollMs: 1,
      now: () => (t += 4),
    });
    expect(result).toMatchObject({
      state: 'failed',
      timedOut: true,
      waitingFor: ['Deployment/web: not found'],
    });
  });

  it('reads the events of a Job with a TTL only once it is gone, and ends on how it ended', async () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: NS, uid: 'j1' },
      spec: {},
      status: {},
    };
    let polls = 0;
    const kubectl = new FakeKubectl((args) => {
      if (args[1] === 'events') {
        const completed = {
          type: 'Normal',
          reason: 'Completed',
          lastTimestamp: '2026-01-01T00:00:03Z',
          involvedObject: { kind: 'Job', name: 'migrate', uid: 'j1' },
        };
        return JSON.stringify({ items: [completed] });
      }
      return list(++polls === 1 ? [job] : []);
    });
    const objects = releaseObjects(
      'apiVersion: batch/v1\nkind: Job\nmetadata: { name: migrate }\nspec: { ttlSecondsAfterFinished: 0 }\n',
      NS,
    );
    const result = await watchRollout(kubectl, { ...policy, objects, timeoutMs: 5000, pollMs: 1 });
    expect(result.state).toBe('ready');
    expect(kubectl.calls.map((c) => c[1])).toEqual([
      'jobs.batch,pods',
      'jobs.batch,pods',
      'events',
    ]);
    expect(kubectl.calls[2]).toEqual([
      'get',
      'events',
      '-n',
      NS,
      '--field-selector',
      'involvedObject.name=migrate',
      '-o',
      'json',
    ]);
  });

  it('deletes StatefulSet pods stuck on the broken revision after a rollback, once', async () => {
    const kubectl = stuckStatefulSet();
    const lines: string[] = [];
    const result = await watchRollout(kubectl, {
      ...policy,
      objects: releaseObjects(MANIFEST.split('---')[1]!, NS),
      timeoutMs: 5000,
      pollMs: 1,
      forceStatefulSetRollback: true,
      log: (l) => lines.push(l),
    });
    expect(result).toMatchObject({ state: 'ready', deletedPods: [`${NS}/db-0`] });
    expect(kubectl.calls.filter((c) => c[0] === 'delete')).toEqual([
      ['delete', 'pod', 'db-0', '-n', NS, '--ignore-not-found', '--wait=false'],
    ]);
    expect(lines).toEqual([
      'StatefulSet/db: deleting pod(s) db-0 of the broken revision, which the controller does not replace once its template is reverted',
    ]);
  });
});

describe('a rollout that times out with nothing terminal', () => {
  it('after deleting stuck pods, waits the whole interval before the next poll', async () => {
    const kubectl = stuckStatefulSet();
    const started = performance.now();
    const result = await watchRollout(kubectl, {
      ...policy,
      objects: releaseObjects(MANIFEST.split('---')[1]!, NS),
      timeoutMs: 5000,
      pollMs: 300,
      forceStatefulSetRollback: true,
    });
    expect(result).toMatchObject({ state: 'ready', deletedPods: [`${NS}/db-0`] });
    // Not the 100 ms a poll this early in the watch would wait otherwise.
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('names the pods that never became Ready, with their Ready condition', async () => {
    const web: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: NS,
        uid: 'web-uid',
        generation: 2,
        annotations: { 'deployment.kubernetes.io/revision': '2' },
      },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } },
      status: { observedGeneration: 2, replicas: 2, updatedReplicas: 1, availableReplicas: 1 },
    };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-new',
        namespace: NS,
        uid: 'rs-uid',
        annotations: { 'deployment.kubernetes.io/revision': '2' },
        ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'web-uid' }],
      },
      spec: { template: {} },
    };
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-new-1',
        namespace: NS,
        labels: { app: 'web' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'web-new', uid: 'rs-uid' }],
      },
      status: {
        phase: 'Running',
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'ContainersNotReady',
            message: 'containers with unready status: [api]',
            lastTransitionTime: new Date(0).toISOString(),
          },
        ],
        containerStatuses: [{ name: 'api', ready: false, restartCount: 0, state: { running: {} } }],
      },
    };
    const kubectl = new FakeKubectl(() => list([web, rs, pod]));
    let t = 0;
    const result = await watchRollout(kubectl, {
      ...policy,
      objects: releaseObjects(MANIFEST.split('---')[0]!, NS),
      timeoutMs: 90_000,
      pollMs: 1,
      now: () => (t += 30_000),
    });
    expect(result).toMatchObject({ state: 'failed', timedOut: true });
    expect(result.failures).toEqual([
      {
        object: 'Pod/web-new-1',
        reason: 'NotReady',
        message: 'not ready for 180 s: containers with unready status: [api]',
      },
    ]);
  });
});
