import { describe, expect, it } from 'vitest';
import {
  isCustomResource,
  releaseObjects,
  type ReleaseObject,
} from '../../../src/kube/release-objects.js';

const NS = 'shop';

/** kind/name -> namespace ('-' when cluster-scoped), for compact expectations. */
function placed(objects: ReleaseObject[]): Record<string, string> {
  return Object.fromEntries(objects.map((o) => [`${o.kind}/${o.name}`, o.namespace ?? '-']));
}

describe('releaseObjects', () => {
  it.each([
    {
      name: 'multi-document manifest with helm source comments and empty documents',
      manifest: `---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
---
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
`,
      expected: { 'Deployment/web': NS, 'Service/web': NS },
    },
    {
      name: 'List kinds are flattened into their items',
      manifest: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: a }
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: { name: db, namespace: data }
---
apiVersion: v1
kind: ConfigMapList
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: b }
`,
      expected: { 'ConfigMap/a': NS, 'StatefulSet/db': 'data', 'ConfigMap/b': NS },
    },
    {
      name: 'cluster-scoped kinds get no namespace, explicit namespaces are kept',
      manifest: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
---
apiVersion: v1
kind: Namespace
metadata: { name: extra }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: kube-system }
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: fast }
`,
      expected: {
        'ClusterRole/reader': '-',
        'Namespace/extra': '-',
        'DaemonSet/agent': 'kube-system',
        'StorageClass/fast': '-',
      },
    },
    {
      name: "a custom resource's scope comes from the CRD the release carries",
      manifest: `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: clusterwidgets.example.com }
spec:
  group: example.com
  scope: Cluster
  names: { kind: ClusterWidget, plural: clusterwidgets }
---
apiVersion: example.com/v1
kind: ClusterWidget
metadata: { name: global }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: local }
`,
      expected: {
        'CustomResourceDefinition/clusterwidgets.example.com': '-',
        'ClusterWidget/global': '-',
        'Widget/local': NS,
      },
    },
  ])('$name', ({ manifest, expected }) => {
    expect(placed(releaseObjects(manifest, NS))).toEqual(expected);
  });

  it("keeps a workload's selector and its API group", () => {
    const [d] = releaseObjects(
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector:
    matchLabels: { app.kubernetes.io/name: web }
    matchExpressions: [{ key: tier, operator: In, values: [api] }]
`,
      NS,
    );
    expect(d).toEqual({
      apiVersion: 'apps/v1',
      group: 'apps',
      kind: 'Deployment',
      name: 'web',
      namespace: NS,
      selector: {
        matchLabels: { 'app.kubernetes.io/name': 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['api'] }],
      },
    });
  });

  it("adds the release JSON's hooks with their events", () => {
    const objects = releaseObjects('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n', NS, [
      {
        kind: 'Job',
        name: 'migrate',
        events: ['pre-install', 'pre-upgrade'],
        manifest: `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: { helm.sh/hook: "pre-install,pre-upgrade" }
`,
      },
      {
        kind: 'Pod',
        name: 'test',
        manifest: `apiVersion: v1
kind: Pod
metadata:
  name: test
  namespace: qa
  annotations: { helm.sh/hook: test }
`,
      },
    ]);
    expect(objects.map((o) => [o.kind, o.name, o.namespace, o.hookEvents])).toEqual([
      ['ConfigMap', 'c', NS, undefined],
      ['Job', 'migrate', NS, ['pre-install', 'pre-upgrade']],
      ['Pod', 'test', 'qa', ['test']],
    ]);
  });

  it('rejects a manifest that is not YAML', () => {
    expect(() => releaseObjects('kind: [unclosed', NS)).toThrow(/not valid YAML/);
  });

  it('an empty manifest has no objects', () => {
    expect(releaseObjects('', NS)).toEqual([]);
  });
});

describe('isCustomResource', () => {
  it.each([
    ['', false],
    ['apps', false],
    ['batch', false],
    ['networking.k8s.io', false],
    ['snapshot.storage.k8s.io', false],
    ['example.com', true],
    ['monitoring.coreos.com', true],
  ])('group %j -> %s', (group, expected) => {
    expect(isCustomResource({ group })).toBe(expected);
  });
});
