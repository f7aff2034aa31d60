import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/kubectl.js';
import type { ReleaseObject } from '../../../src/kube/release-objects.js';
import {
  assessRollout,
  notReadyPods,
  type RolloutPolicy,
  type RolloutSnapshot,
} from '../../../src/kube/rollout.js';

const policy: RolloutPolicy = { crashLoopRestarts: 2, unschedulableGraceMs: 30_000 };
const NOW = Date.parse('2026-01-01T00:10:00Z');
const NS = 'shop';
const SELECTOR = { matchLabels: { app: 'web' } };

/** The release object a live object comes from (what the manifest said). */
function refOf(live: KubeObject, extra: Partial<ReleaseObject> = {}): ReleaseObject {
  const apiVersion = live.apiVersion ?? 'v1';
  return {
    apiVersion,
    group: apiVersion.includes('/') ? apiVersion.split('/')[0]! : '',
    kind: live.kind,
    name: live.metadata.name,
    namespace: live.metadata.namespace ?? NS,
    ...extra,
  };
}

function snapshot(
  objects: (KubeObject | [ReleaseObject, KubeObject | undefined])[],
  deps: Partial<Omit<RolloutSnapshot, 'objects'>> = {},
): RolloutSnapshot {
  return {
    releaseNamespace: NS,
    objects: objects.map((o) =>
      Array.isArray(o) ? { ref: o[0], live: o[1] } : { ref: refOf(o), live: o },
    ),
    pods: deps.pods ?? [],
    replicaSets: deps.replicaSets ?? [],
    controllerRevisions: deps.controllerRevisions ?? [],
  };
}

function deployment(
  status: Record<string, unknown>,
  spec: Record<string, unknown> = { replicas: 2 },
  revision = '3',
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: NS,
      uid: 'd-uid',
      generation: 3,
      annotations: { 'deployment.kubernetes.io/revision': revision },
    },
    spec: { selector: SELECTOR, ...spec },
    status: { observedGeneration: 3, ...status },
  };
}

function replicaSet(name: string, revision: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: NS,
      uid: `${name}-uid`,
      annotations: { 'deployment.kubernetes.io/revision': revision },
      ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'd-uid' }],
    },
  };
}

const waiting = (reason: string, restartCount = 0) => ({
  phase: 'Running',
  containerStatuses: [
    { name: 'api', restartCount, state: { waiting: { reason, message: `${reason} details` } } },
  ],
});

function pod(
  name: string,
  status: Record<string, unknown>,
  meta: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { app: 'web' }, ...meta },
    spec: { containers: [{ name: 'api' }] },
    status,
  };
}

const ownedBy = (kind: string, name: string) => ({
  ownerReferences: [{ kind, name, uid: `${name}-uid` }],
});

const RUNNING = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };

describe('Deployment rule', () => {
  it.each([
    {
      name: 'ready when every replica is updated and available',
      status: { replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      state: 'ready',
    },
    {
      name: 'waits until the controller observed the new spec',
      status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      waiting: 'Deployment/web: new spec not yet observed',
    },
    {
      name: 'waits for updated replicas',
      status: { replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
      waiting: 'Deployment/web: 1 of 2 replicas updated',
    },
    {
      name: 'waits for old replicas to go',
      status: { replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
      waiting: 'Deployment/web: 1 old replicas pending termination',
    },
    {
      name: 'waits for updated replicas to be available',
      status: { replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
      waiting: 'Deployment/web: 1 of 2 updated replicas available',
    },
    {
      name: 'maxUnavailable equal to replicas: the Available condition is no proof',
      spec: { replicas: 2, strategy: { rollingUpdate: { maxUnavailable: 2 } } },
      status: {
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 0,
        conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
      },
      waiting: 'Deployment/web: 0 of 2 updated replicas available',
    },
    {
      name: 'spec.replicas left to an HPA: the live count (set by the HPA) is awaited',
      spec: { replicas: 4 },
      status: { replicas: 4, updatedReplicas: 4, availableReplicas: 3 },
      waiting: 'Deployment/web: 3 of 4 updated replicas available',
    },
    {
      name: 'zero replicas are ready at once',
      spec: { replicas: 0 },
      status: {},
      state: 'ready',
    },
  ])('$name', ({ status, spec, state, waiting: text }) => {
    const a = assessRollout(snapshot([deployment(status, spec)]), policy, NOW);
    if (text) {
      expect(a.state).toBe('progressing');
      expect(a.waitingFor).toEqual([text]);
    } else expect(a.state).toBe(state);
  });

  it('fails on ProgressDeadlineExceeded', () => {
    const d = deployment({
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'too slow',
        },
      ],
    });
    expect(assessRollout(snapshot([d]), policy, NOW).failures).toEqual([
      { object: 'Deployment/web', reason: 'ProgressDeadlineExceeded', message: 'too slow' },
    ]);
  });

  it('paused with the new revision nowhere: a warning, or a failure under requireRollout', () => {
    const d = deployment(
      { replicas: 2, updatedReplicas: 0, availableReplicas: 2 },
      { replicas: 2, paused: true },
    );
    const line =
      'Deployment/web is paused: its new revision is not rolled out (0 of 2 pods run it)';
    expect(assessRollout(snapshot([d]), policy, NOW)).toMatchObject({
      state: 'ready',
      notRolledOut: [line],
      failures: [],
    });
    expect(assessRollout(snapshot([d]), { ...policy, requireRollout: true }, NOW)).toMatchObject({
      state: 'failed',
      notRolledOut: [],
      failures: [{ object: 'Deployment/web', reason: 'NotRolledOut', message: line }],
    });
  });

  it('judges only the pods of the current ReplicaSet (revision annotation, owner, selector)', () => {
    const d = deployment(
      { replicas: 2, updatedReplicas: 1, availableReplicas: 1 },
      { replicas: 1 },
    );
    const deps = {
      replicaSets: [replicaSet('web-new', '3'), replicaSet('web-old', '2')],
      pods: [
        pod('web-new-1', waiting('CrashLoopBackOff', 3), ownedBy('ReplicaSet', 'web-new')),
        // A crash-looping pod of the previous ReplicaSet (e.g. the broken
        // revision after a rollback) is not this revision's concern.
        pod('web-old-1', waiting('ImagePullBackOff'), ownedBy('ReplicaSet', 'web-old')),
        // Same owner but outside the selector: not the Deployment's pod.
        pod('stray', waiting('ErrImagePull'), {
          ...ownedBy('ReplicaSet', 'web-new'),
          labels: { app: 'other' },
        }),
      ],
    };
    const a = assessRollout(snapshot([d], deps), policy, NOW);
    expect(a.failures.map((f) => [f.object, f.reason])).toEqual([
      ['Pod/web-new-1', 'CrashLoopBackOff'],
    ]);
    expect(a.pods.map((p) => p.metadata.name)).toEqual(['web-new-1']);

    // After a rollback, the old ReplicaSet carries the current revision: the
    // broken revision's crash-looping pod is no longer judged.
    const rolledBack = deployment(
      { replicas: 2, updatedReplicas: 1, availableReplicas: 1 },
      { replicas: 1 },
      '4',
    );
    const after = assessRollout(
      snapshot([rolledBack], {
        ...deps,
        replicaSets: [replicaSet('web-new', '3'), replicaSet('web-old', '4')],
      }),
      policy,
      NOW,
    );
    expect(after.failures.map((f) => f.object)).toEqual(['Pod/web-old-1']);
  });

  it('fails when the current ReplicaSet cannot create its pods past the grace', () => {
    const d = deployment({ replicas: 2, updatedReplicas: 0, availableReplicas: 2 });
    const message =
      'pods "web-new-" is forbidden: error looking up service account shop/nope: serviceaccount "nope" not found';
    const failing = (name: string, revision: string, since: string): KubeObject => ({
      ...replicaSet(name, revision),
      status: {
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message,
            lastTransitionTime: since,
          },
        ],
      },
    });
    const judge = (rs: KubeObject[]) =>
      assessRollout(snapshot([d], { replicaSets: rs }), policy, NOW);
    expect(judge([failing('web-new', '3', '2026-01-01T00:09:00Z')])).toMatchObject({
      state: 'failed',
      failures: [{ object: 'ReplicaSet/web-new', reason: 'FailedCreate', message }],
    });
    // Within the grace (a quota may free up), it is still progressing.
    expect(judge([failing('web-new', '3', '2026-01-01T00:09:45Z')]).state).toBe('progressing');
    // The previous revision's ReplicaSet failing is not this revision's concern.
    expect(
      judge([replicaSet('web-new', '3'), failing('web-old', '2', '2026-01-01T00:09:00Z')]).state,
    ).toBe('progressing');
  });

  it('does not judge pods before the new spec is observed', () => {
    const d = deployment({ observedGeneration: 2 });
    const deps = {
      replicaSets: [replicaSet('web-new', '3')],
      pods: [pod('web-new-1', waiting('ErrImagePull'), ownedBy('ReplicaSet', 'web-new'))],
    };
    expect(assessRollout(snapshot([d], deps), policy, NOW).state).toBe('progressing');
  });
});

function statefulSet(
  status: Record<string, unknown>,
  updateStrategy: Record<string, unknown> = { type: 'RollingUpdate' },
  replicas = 2,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: NS, uid: 'db-uid', generation: 2 },
    spec: { replicas, selector: SELECTOR, updateStrategy },
    status: {
      observedGeneration: 2,
      replicas,
      currentRevision: 'db-old',
      updateRevision: 'db-new',
      ...status,
    },
  };
}

describe('StatefulSet rule', () => {
  it.each([
    {
      name: 'rolling update complete',
      status: { readyReplicas: 2, updatedReplicas: 2, currentRevision: 'db-new' },
    },
    {
      name: 'rolling update waits for ready replicas',
      status: { readyReplicas: 1, updatedReplicas: 1 },
      waiting: 'StatefulSet/db: 1 of 2 replicas ready',
    },
    {
      name: 'rolling update waits for updated replicas',
      status: { readyReplicas: 2, updatedReplicas: 1 },
      waiting: 'StatefulSet/db: 1 of 2 replicas updated',
    },
    {
      name: 'rolling update waits for the revision to become current',
      status: { readyReplicas: 2, updatedReplicas: 2 },
      waiting: 'StatefulSet/db: rolling update to db-new not complete',
    },
    {
      name: 'partition: only pods at or above it are updated',
      strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      status: { readyReplicas: 2, updatedReplicas: 1 },
    },
    {
      name: 'partition: waits for the pods above it',
      strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      status: { readyReplicas: 2, updatedReplicas: 0 },
      waiting: 'StatefulSet/db: partitioned rollout, 0 of 1 pods updated',
    },
    {
      name: 'partition above every pod: the new revision runs nowhere',
      strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
      status: { readyReplicas: 2, updatedReplicas: 0 },
      notRolledOut: 'StatefulSet/db has rollingUpdate.partition 2: no pod runs the new revision',
    },
    {
      name: 'OnDelete with every pod on the old revision',
      strategy: { type: 'OnDelete' },
      status: { readyReplicas: 2, updatedReplicas: 0 },
      notRolledOut:
        'StatefulSet/db uses updateStrategy OnDelete: 0 of 2 pods run the new revision (delete the old pods to roll it out)',
    },
    {
      name: 'OnDelete on a first install (every pod new)',
      strategy: { type: 'OnDelete' },
      status: { readyReplicas: 2, updatedReplicas: 2, currentRevision: 'db-new' },
    },
    {
      name: 'OnDelete still waits for ready replicas',
      strategy: { type: 'OnDelete' },
      status: { readyReplicas: 1, updatedReplicas: 0 },
      waiting: 'StatefulSet/db: 1 of 2 replicas ready',
    },
  ])('$name', ({ status, strategy, waiting: text, notRolledOut }) => {
    const a = assessRollout(snapshot([statefulSet(status, strategy)]), policy, NOW);
    expect(a.waitingFor).toEqual(text ? [text] : []);
    expect(a.notRolledOut).toEqual(notRolledOut ? [notRolledOut] : []);
    expect(a.state).toBe(text ? 'progressing' : 'ready');
  });

  it('judges pods of the update revision only', () => {
    const sts = statefulSet({ readyReplicas: 1, updatedReplicas: 1 });
    const hash = (h: string) => ({
      ...ownedBy('StatefulSet', 'db'),
      labels: { app: 'web', 'controller-revision-hash': h },
    });
    const deps = {
      pods: [
        pod('db-0', waiting('CrashLoopBackOff', 5), hash('db-old')),
        pod('db-1', waiting('CrashLoopBackOff', 5), hash('db-new')),
      ],
    };
    expect(assessRollout(snapshot([sts], deps), policy, NOW).failures.map((f) => f.object)).toEqual(
      ['Pod/db-1'],
    );
  });
});

function daemonSet(status: Record<string, unknown>, type = 'RollingUpdate'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: NS, uid: 'agent-uid', generation: 4 },
    spec: { selector: SELECTOR, updateStrategy: { type } },
    status: { observedGeneration: 4, desiredNumberScheduled: 3, ...status },
  };
}

describe('DaemonSet rule', () => {
  it.each([
    { name: 'rolled out', status: { updatedNumberScheduled: 3, numberAvailable: 3 } },
    {
      name: 'waits for updated pods',
      status: { updatedNumberScheduled: 1, numberAvailable: 3 },
      waiting: 'DaemonSet/agent: 1 of 3 pods updated',
    },
    {
      name: 'waits for available pods',
      status: { updatedNumberScheduled: 3, numberAvailable: 2 },
      waiting: 'DaemonSet/agent: 2 of 3 updated pods available',
    },
    {
      name: 'not yet observed',
      status: { observedGeneration: 3, updatedNumberScheduled: 3, numberAvailable: 3 },
      waiting: 'DaemonSet/agent: new spec not yet observed',
    },
    {
      name: 'OnDelete with old pods',
      type: 'OnDelete',
      status: { updatedNumberScheduled: 0, numberAvailable: 3 },
      notRolledOut:
        'DaemonSet/agent uses updateStrategy OnDelete: 0 of 3 pods run the new revision (delete the old pods to roll it out)',
    },
    {
      name: 'scheduled on no node',
      status: { desiredNumberScheduled: 0, updatedNumberScheduled: 0, numberAvailable: 0 },
      notRolledOut:
        "DaemonSet/agent runs on no node: its node selector, affinity and tolerations match none of the cluster's nodes (0 pods scheduled)",
    },
  ])('$name', ({ status, type, waiting: text, notRolledOut }) => {
    const a = assessRollout(snapshot([daemonSet(status, type)]), policy, NOW);
    expect(a.waitingFor).toEqual(text ? [text] : []);
    expect(a.notRolledOut).toEqual(notRolledOut ? [notRolledOut] : []);
  });

  it("judges pods carrying the newest ControllerRevision's hash", () => {
    const revision = (n: number, hash: string): KubeObject =>
      ({
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name: `agent-${hash}`,
          namespace: NS,
          labels: { 'controller-revision-hash': hash },
          ...ownedBy('DaemonSet', 'agent'),
        },
        revision: n,
      }) as KubeObject;
    const at = (hash: string) => ({
      ...ownedBy('DaemonSet', 'agent'),
      labels: { app: 'web', 'controller-revision-hash': hash },
    });
    const a = assessRollout(
      snapshot([daemonSet({ updatedNumberScheduled: 1, numberAvailable: 2 })], {
        controllerRevisions: [revision(1, 'aaa'), revision(2, 'bbb')],
        pods: [
          pod('agent-x', waiting('ErrImagePull'), at('aaa')),
          pod('agent-y', waiting('ErrImagePull'), at('bbb')),
        ],
      }),
      policy,
      NOW,
    );
    expect(a.failures.map((f) => f.object)).toEqual(['Pod/agent-y']);
  });
});

describe('Jobs, CronJobs, Pods, hooks and custom resources', () => {
  const job = (conditions: unknown[], annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: NS, uid: 'migrate-uid', annotations },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'migrate-uid' } } },
    status: { conditions },
  });
  const FAILED = [
    { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'limit' },
  ];
  const hookRef = (o: KubeObject, events = ['pre-upgrade']) => refOf(o, { hookEvents: events });

  it.each([
    { name: 'a Job waits to complete', objects: [job([])], waiting: ['Job/migrate: not complete'] },
    { name: 'a complete Job is ready', objects: [job([{ type: 'Complete', status: 'True' }])] },
    {
      name: 'a failed Job fails',
      objects: [job(FAILED)],
      failed: ['Job/migrate BackoffLimitExceeded'],
    },
    {
      name: 'a CronJob that exists is ready, its Jobs not awaited and said so',
      objects: [
        { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: NS } },
      ],
      skipped: ['CronJob/nightly: its Jobs run on its schedule, not awaited by the deploy'],
    },
    {
      name: 'an object of the release not found yet is awaited',
      objects: [[refOf(deployment({})), undefined] as [ReleaseObject, undefined]],
      waiting: ['Deployment/web: not found'],
    },
    {
      name: 'a bare Pod waits to be Ready, then is ready',
      objects: [
        pod('tool', { phase: 'Pending' }),
        pod('done', { phase: 'Succeeded' }),
        pod('up', RUNNING),
      ],
      waiting: ['Pod/tool: not ready (Pending)'],
    },
    {
      name: 'a bare Pod in a terminal state fails',
      objects: [pod('tool', waiting('ImagePullBackOff'))],
      waiting: ['Pod/tool: not ready (Running)'],
      failed: ['Pod/tool ImagePullBackOff'],
    },
    {
      name: 'a Ready custom resource is ready, one without conditions is skipped and said so',
      objects: [
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'ok', namespace: NS },
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        },
        {
          apiVersion: 'example.com/v1',
          kind: 'Gadget',
          metadata: { name: 'plain', namespace: NS },
          status: {},
        },
      ],
      skipped: ['Gadget/plain: custom resource without a Ready or Available condition, not judged'],
    },
    {
      name: 'a custom resource waits on Ready=False, or on Available when it has no Ready',
      objects: [
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w', namespace: NS },
          status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Reconciling' }] },
        },
        {
          apiVersion: 'example.com/v1',
          kind: 'Gadget',
          metadata: { name: 'g', namespace: NS },
          status: { conditions: [{ type: 'Available', status: 'False' }] },
        },
      ],
      waiting: ['Widget/w: Ready is False (Reconciling)', 'Gadget/g: Available is False'],
    },
    {
      name: "an aggregated APIService waits to be Available, with the API server's reason",
      objects: [
        [
          {
            apiVersion: 'apiregistration.k8s.io/v1',
            group: 'apiregistration.k8s.io',
            kind: 'APIService',
            name: 'v1beta1.metrics.k8s.io',
          },
          {
            apiVersion: 'apiregistration.k8s.io/v1',
            kind: 'APIService',
            metadata: { name: 'v1beta1.metrics.k8s.io' },
            status: {
              conditions: [
                {
                  type: 'Available',
                  status: 'False',
                  reason: 'FailedDiscoveryCheck',
                  message: 'x509: certificate signed by unknown authority',
                },
              ],
            },
          },
        ],
        [
          {
            apiVersion: 'apiregistration.k8s.io/v1',
            group: 'apiregistration.k8s.io',
            kind: 'APIService',
            name: 'v1.custom.example.com',
          },
          {
            apiVersion: 'apiregistration.k8s.io/v1',
            kind: 'APIService',
            metadata: { name: 'v1.custom.example.com' },
          },
        ],
        [
          {
            apiVersion: 'apiregistration.k8s.io/v1',
            group: 'apiregistration.k8s.io',
            kind: 'APIService',
            name: 'v1.ok.example.com',
          },
          {
            apiVersion: 'apiregistration.k8s.io/v1',
            kind: 'APIService',
            metadata: { name: 'v1.ok.example.com' },
            status: { conditions: [{ type: 'Available', status: 'True', reason: 'Passed' }] },
          },
        ],
      ] as [ReleaseObject, KubeObject][],
      waiting: [
        'APIService/v1beta1.metrics.k8s.io: Available is False (FailedDiscoveryCheck: x509: certificate signed by unknown authority)',
        'APIService/v1.custom.example.com: Available is Unknown (no Available condition yet)',
      ],
    },
    {
      name: 'objects without a rule (ConfigMap, built-in cluster objects) are not judged',
      objects: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NS } },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'i', namespace: NS },
        },
      ],
    },
  ] as {
    name: string;
    objects: Parameters<typeof snapshot>[0];
    waiting?: string[];
    failed?: string[];
    skipped?: string[];
  }[])('$name', ({ objects, waiting: text = [], failed = [], skipped = [] }) => {
    const a = assessRollout(snapshot(objects), policy, NOW);
    expect(a.waitingFor).toEqual(text);
    expect(a.failures.map((f) => `${f.object} ${f.reason}`)).toEqual(failed);
    expect(a.skipped).toEqual(skipped);
  });

  it('judges hook Jobs and Pods only when asked, never test hooks, and a gone hook is fine', () => {
    const hookJob = job(FAILED, { 'helm.sh/hook': 'pre-upgrade' });
    const hookPod = pod('smoke', { phase: 'Failed', reason: 'Error' });
    const testPod = pod('test-conn', { phase: 'Failed' });
    const objects = snapshot([
      [hookRef(hookJob), hookJob],
      [hookRef(hookPod, ['post-upgrade']), hookPod],
      [hookRef(testPod, ['test']), testPod],
      [hookRef(job([]), ['pre-install']), undefined],
    ]);
    expect(assessRollout(objects, policy, NOW).state).toBe('ready');
    const judged = assessRollout(objects, { ...policy, includeHooks: true }, NOW);
    expect(judged.failures.map((f) => `${f.object} ${f.reason}`)).toEqual([
      'Job/migrate BackoffLimitExceeded',
      'Pod/smoke Error',
    ]);
    expect(judged.waitingFor).toEqual([]);
  });

  it("judges a Job's pods through the Job: terminal waits fail, a failed attempt does not", () => {
    const owned = {
      ownerReferences: [{ kind: 'Job', name: 'migrate', uid: 'migrate-uid' }],
      labels: { 'batch.kubernetes.io/controller-uid': 'migrate-uid' },
    };
    const a = assessRollout(
      snapshot([job([])], {
        pods: [pod('m-1', { phase: 'Failed' }, owned), pod('m-2', waiting('ErrImagePull'), owned)],
      }),
      policy,
      NOW,
    );
    expect(a.failures.map((f) => f.object)).toEqual(['Pod/m-2']);
  });

  it('names the namespace of an object outside the release namespace', () => {
    const d = {
      ...deployment({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, { replicas: 1 }),
    };
    d.metadata = { ...d.metadata, namespace: 'other', name: 'side' };
    const broken = job(FAILED);
    const a = assessRollout(
      snapshot([
        deployment({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
        [refOf(broken, { namespace: 'batch' }), broken],
      ]),
      policy,
      NOW,
    );
    expect(a.failures).toEqual([
      {
        object: 'Job/migrate',
        namespace: 'batch',
        reason: 'BackoffLimitExceeded',
        message: 'limit',
      },
    ]);
  });
});

describe('Job attempts that keep failing (restartPolicy Never)', () => {
  const strict: RolloutPolicy = { ...policy, crashLoopRestarts: 1 };
  const neverJob = (
    spec: Record<string, unknown> = {},
    conditions: unknown[] = [],
    restartPolicy = 'Never',
  ): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: NS, uid: 'migrate-uid' },
    spec: {
      backoffLimit: 6,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'migrate-uid' } },
      template: { spec: { restartPolicy } },
      ...spec,
    },
    status: { conditions },
  });
  const owned = (annotations?: Record<string, string>) => ({
    ownerReferences: [{ kind: 'Job', name: 'migrate', uid: 'migrate-uid' }],
    labels: { 'batch.kubernetes.io/controller-uid': 'migrate-uid' },
    annotations,
  });
  /** A finished attempt, ended at minute:second `at` (e.g. '00:01'). */
  const attempt = (name: string, exitCode: number, at: string, index?: string) =>
    pod(
      name,
      {
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        containerStatuses: [
          {
            name: 'migrate',
            restartCount: 0,
            state: {
              terminated: {
                exitCode,
                reason: exitCode === 0 ? 'Completed' : 'Error',
                finishedAt: `2026-01-01T00:${at}Z`,
              },
            },
          },
        ],
      },
      owned(
        index === undefined ? undefined : { 'batch.kubernetes.io/job-completion-index': index },
      ),
    );
  const running = (name: string) => pod(name, RUNNING, owned());
  const judge = (job: KubeObject, pods: KubeObject[], p = strict) =>
    assessRollout(snapshot([job], { pods }), p, NOW);

  it('a first failed attempt is retried and awaited', () => {
    const a = judge(neverJob(), [attempt('m-1', 1, '01:00'), running('m-2')]);
    expect(a.state).toBe('progressing');
    expect(a.waitingFor).toEqual(['Job/migrate: not complete']);
  });

  it('fails at the attempt after the crash-loop threshold, naming the last pod and its exit', () => {
    const pods = [attempt('m-1', 1, '01:00'), attempt('m-2', 1, '01:12')];
    const a = judge(neverJob(), pods);
    expect(a.state).toBe('failed');
    expect(a.failures).toEqual([
      {
        object: 'Job/migrate',
        reason: 'JobAttemptsFailing',
        message:
          '2 pods failed in a row (restartPolicy Never), the last, m-2, with container migrate exit code 1, Error; the Job would retry up to backoffLimit 6',
      },
    ]);
    // crash-loop-restarts 2 allows one more attempt.
    expect(judge(neverJob(), pods, policy).state).toBe('progressing');
    expect(
      judge(neverJob(), [...pods, attempt('m-3', 1, '01:40')], policy).failures[0]?.message,
    ).toMatch(/^3 pods failed in a row .* the last, m-3,/);
  });

  it('a Job retried once that then succeeded is ready; a success resets the count', () => {
    const complete = [{ type: 'Complete', status: 'True' }];
    const a = judge(neverJob({}, complete), [
      attempt('m-1', 1, '01:00'),
      attempt('m-2', 0, '01:12'),
    ]);
    expect(a.state).toBe('ready');
    expect(a.failures).toEqual([]);
    // Two completions: one failure, a success, one failure, still retrying.
    const b = judge(neverJob({ completions: 2 }), [
      attempt('m-1', 1, '01:00'),
      attempt('m-2', 0, '01:12'),
      attempt('m-3', 1, '01:20'),
      running('m-4'),
    ]);
    expect(b.state).toBe('progressing');
  });

  it('counts each index of an Indexed Job on its own', () => {
    const indexed = neverJob({ completionMode: 'Indexed', completions: 2 });
    const once = [attempt('m-0-a', 1, '01:00', '0'), attempt('m-1-a', 1, '01:01', '1')];
    expect(judge(indexed, once).state).toBe('progressing');
    const twice = [...once, attempt('m-0-b', 1, '01:15', '0')];
    expect(judge(indexed, twice).failures.map((f) => f.message)).toEqual([
      expect.stringMatching(/^2 pods of index 0 failed in a row .* the last, m-0-b,/),
    ]);
  });

  it('leaves alone a failed Job (its condition says it), OnFailure pods and evicted pods', () => {
    const failed = [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }];
    const twice = [attempt('m-1', 1, '01:00'), attempt('m-2', 1, '01:12')];
    expect(judge(neverJob({}, failed), twice).failures.map((f) => f.reason)).toEqual([
      'BackoffLimitExceeded',
    ]);
    expect(judge(neverJob({}, [], 'OnFailure'), twice).state).toBe('progressing');
    const evicted = attempt('m-2', 137, '01:12');
    evicted.status.conditions = [{ type: 'DisruptionTarget', status: 'True' }];
    expect(judge(neverJob(), [attempt('m-1', 1, '01:00'), evicted]).state).toBe('progressing');
  });
});

describe('pod failures', () => {
  const deps = (p: KubeObject) => ({ replicaSets: [replicaSet('web-new', '3')], pods: [p] });
  const d = deployment({ replicas: 1, updatedReplicas: 1, availableReplicas: 0 }, { replicas: 1 });
  const judge = (status: Record<string, unknown>, meta = {}) =>
    assessRollout(
      snapshot([d], deps(pod('web-1', status, { ...ownedBy('ReplicaSet', 'web-new'), ...meta }))),
      policy,
      NOW,
    );

  it.each(['ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName'])(
    'fails at once on %s',
    (reason) => {
      const a = judge(waiting(reason));
      expect(a.state).toBe('failed');
      expect(a.failures[0]).toMatchObject({ object: 'Pod/web-1', reason });
    },
  );

  it('gives a container the runtime could not start another try: a crash loop only when it keeps failing', () => {
    // runc's "unable to freeze" on a loaded node passes at the kubelet's next attempt.
    expect(judge(waiting('RunContainerError', 0)).state).toBe('progressing');
    // A start that keeps failing (a command that does not exist): exit code 128, StartError.
    const started = (restartCount: number) => ({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'api',
          restartCount,
          state: { waiting: { reason: 'RunContainerError', message: 'exec: "nope": not found' } },
          lastState: { terminated: { exitCode: 128, reason: 'StartError' } },
        },
      ],
    });
    expect(judge(started(1)).state).toBe('progressing');
    expect(judge(started(2)).failures[0]).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: 'container api restarted 2 times (last exit code 128, StartError)',
    });
  });

  it('tolerates a crash loop below the restart threshold, fails at it', () => {
    expect(judge(waiting('CrashLoopBackOff', 1)).state).toBe('progressing');
    expect(judge(waiting('CrashLoopBackOff', 2)).failures[0]).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: 'container api restarted 2 times',
    });
  });

  it('counts a container that exited non-zero and awaits its restart as crash-looping', () => {
    // What a kubelet reports for most of a back-off: the exited container, not CrashLoopBackOff.
    const exited = (restartCount: number, exitCode: number, reason = 'Error') => ({
      phase: 'Running',
      containerStatuses: [
        { name: 'api', restartCount, state: { terminated: { exitCode, reason } } },
      ],
    });
    expect(judge(exited(1, 1)).state).toBe('progressing');
    expect(judge(exited(2, 137, 'OOMKilled')).failures[0]).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: 'container api restarted 2 times (last exit code 137 (SIGKILL), OOMKilled)',
    });
    // Exit code 0 is a completed container, not a crash; a Never pod is not restarted at all.
    expect(judge(exited(2, 0, 'Completed')).state).toBe('progressing');
  });

  it('fails an unschedulable pod only after the grace period', () => {
    const unschedulable = (since: string) => ({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          lastTransitionTime: since,
          message: '0/3 nodes',
        },
      ],
    });
    expect(judge(unschedulable('2026-01-01T00:09:50Z')).state).toBe('progressing');
    expect(judge(unschedulable('2026-01-01T00:09:00Z')).failures[0]).toMatchObject({
      reason: 'Unschedulable',
      message: '0/3 nodes',
    });
  });

  it('ignores terminating pods', () => {
    expect(
      judge(waiting('ErrImagePull'), { deletionTimestamp: '2026-01-01T00:00:00Z' }).state,
    ).toBe('progressing');
  });
});

describe('notReadyPods (what a timed-out rollout waited for)', () => {
  const base = (name: string, phase: string, ready: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, creationTimestamp: '2026-01-01T00:00:00Z' },
    status: { phase, conditions: [{ type: 'Ready', status: ready, reason: 'PodCompleted' }] },
  });

  it('names pods not Ready, never one that ran to completion (a Job pod)', () => {
    const pods = [
      base('web-1', 'Running', 'False'),
      base('migrate-x7k2p', 'Succeeded', 'False'),
      base('web-2', 'Running', 'True'),
    ];
    expect(notReadyPods(pods, NOW).map((f) => f.object)).toEqual(['Pod/web-1']);
  });
});
