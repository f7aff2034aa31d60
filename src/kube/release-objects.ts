// The objects a release contains, read from the manifest helm applied for one
// revision (and the hooks of its release JSON): what the rollout watch looks
// at, by kind, namespace and name. Pure: no cluster, no helm.
import { parseAllDocuments } from 'yaml';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ReleaseObject {
  apiVersion: string;
  /** API group, '' for the core group. */
  group: string;
  kind: string;
  name: string;
  /** Undefined for a cluster-scoped object. */
  namespace?: string;
  /** The helm hook events (pre-upgrade, test...) when the object is a hook. */
  hookEvents?: string[];
  /** spec.selector of a workload: immutable, so the manifest's is the live one. */
  selector?: LabelSelector;
  /** A Job's spec.ttlSecondsAfterFinished: the cluster removes it that long after it finished. */
  ttlSecondsAfterFinished?: number;
  /**
   * Labels that the object and every object a poll lists for it (its pods,
   * ReplicaSets, ControllerRevisions) carry: its own metadata.labels, and of
   * those only the pairs of a workload's selector.matchLabels (the API keeps
   * a workload's pods on its selector) or a Job's pod template labels.
   */
  sharedLabels?: Record<string, string>;
}

/** A hook as helm's release JSON lists it. */
export interface ReleaseHook {
  kind?: string;
  name?: string;
  manifest: string;
  events?: string[];
  /** helm.sh/hook-delete-policy: hook-succeeded, hook-failed, before-hook-creation. */
  delete_policies?: string[];
}

/**
 * Built-in kinds that are cluster-scoped. Everything else built in is
 * namespaced; a custom resource's scope comes from its CRD when the release
 * carries it (kubectl ignores -n for a cluster-scoped kind either way).
 */
const CLUSTER_SCOPED = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

interface Doc {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: unknown;
    annotations?: Record<string, string>;
  };
  spec?: {
    selector?: unknown;
    template?: { metadata?: { labels?: unknown } };
    scope?: string;
    group?: string;
    names?: { kind?: string };
    ttlSecondsAfterFinished?: unknown;
  };
  items?: unknown[];
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * A custom resource: its group has a dot and is not one of Kubernetes' own
 * (`*.k8s.io`, `*.kubernetes.io`); built-in groups are `apps`, `batch`... or
 * end in `.k8s.io`.
 */
export function isCustomResource(o: Pick<ReleaseObject, 'group'>): boolean {
  return (
    o.group.includes('.') && !/\.k8s\.io$|\.kubernetes\.io$/.test(o.group) && o.group !== 'k8s.io'
  );
}

/** Documents of a multi-document manifest, `List` kinds flattened into their items. */
function documents(manifest: string): Doc[] {
  const out: Doc[] = [];
  const visit = (doc: unknown) => {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return;
    const d = doc as Doc;
    if (typeof d.kind === 'string' && d.kind.endsWith('List') && Array.isArray(d.items)) {
      d.items.forEach(visit);
    } else if (typeof d.kind === 'string' && typeof d.metadata?.name === 'string') {
      out.push(d);
    }
  };
  const parsed = manifestDocuments(manifest);
  if (parsed.error) throw new Error(`the release manifest is not valid YAML: ${parsed.error}`);
  parsed.values.forEach(visit);
  return out;
}

/** The last two manifests parsed: a deploy's diff compares two, one of which the watch read. */
const recentlyParsed: { manifest: string; docs: ParsedManifest }[] = [];

export interface ParsedManifest {
  /** Each document's value (null for an empty one), in order. */
  values: readonly unknown[];
  /** The first YAML error, if any document has one. */
  error?: string;
}

/**
 * The documents of a manifest. The last two parsed are kept: a deploy reads
 * the manifest it applied twice at once (the watch's objects, the diff's new
 * side), and a cold YAML parser takes 50-120 ms for a chart's manifest on
 * the main thread, while the watch's first answer waits. Callers do not
 * change what they are given.
 */
export function manifestDocuments(manifest: string): ParsedManifest {
  const known = recentlyParsed.find((p) => p.manifest === manifest);
  if (known) return known.docs;
  const docs = parseAllDocuments(manifest);
  const error = docs.find((d) => d.errors.length > 0)?.errors[0]?.message;
  const parsed: ParsedManifest = { values: docs.map((d) => d.toJS() as unknown), error };
  recentlyParsed.unshift({ manifest, docs: parsed });
  recentlyParsed.length = Math.min(recentlyParsed.length, 2);
  return parsed;
}

/** Whether an object of a kind has no namespace. */
export type IsClusterScoped = (apiVersion: string | undefined, kind: string) => boolean;

/**
 * The scope of each kind in a set of manifest documents: a built-in
 * cluster-scoped kind (ClusterRole, CustomResourceDefinition...), or a custom
 * kind whose CRD among `docs` (the release installs it) says `scope: Cluster`.
 */
export function clusterScopeIn(docs: Iterable<unknown>): IsClusterScoped {
  const clusterKinds = new Set<string>();
  for (const doc of docs) {
    const d = doc as Doc | null;
    if (d?.kind !== 'CustomResourceDefinition' || d.spec?.scope !== 'Cluster') continue;
    const kind = d.spec.names?.kind;
    if (kind && d.spec.group) clusterKinds.add(`${d.spec.group}/${kind}`);
  }
  return (apiVersion, kind) =>
    CLUSTER_SCOPED.has(kind) || clusterKinds.has(`${groupOf(apiVersion ?? 'v1')}/${kind}`);
}

function toObject(
  d: Doc,
  releaseNamespace: string,
  isClusterScoped: IsClusterScoped,
  hookEvents?: string[],
): ReleaseObject {
  const apiVersion = d.apiVersion ?? 'v1';
  const group = groupOf(apiVersion);
  const kind = d.kind!;
  const o: ReleaseObject = { apiVersion, group, kind, name: d.metadata!.name! };
  if (!isClusterScoped(apiVersion, kind)) o.namespace = d.metadata?.namespace || releaseNamespace;
  if (hookEvents) o.hookEvents = hookEvents;
  const selector = d.spec?.selector;
  if (selector && typeof selector === 'object' && !Array.isArray(selector)) {
    o.selector = selector as LabelSelector;
  }
  const ttl = d.spec?.ttlSecondsAfterFinished;
  if (kind === 'Job' && typeof ttl === 'number') o.ttlSecondsAfterFinished = ttl;
  const shared = sharedLabels(d, o.selector);
  if (Object.keys(shared).length) o.sharedLabels = shared;
  return o;
}

function stringPairs(labels: unknown): Record<string, string> {
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The pairs of `a` that `b` has too. */
export function commonLabels(
  a: Record<string, string>,
  b: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => b[k] === v));
}

function sharedLabels(d: Doc, selector: LabelSelector | undefined): Record<string, string> {
  const own = stringPairs(d.metadata?.labels);
  switch (d.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      // ReplicaSets, ControllerRevisions and pods of any revision: the selector is immutable.
      return commonLabels(own, stringPairs(selector?.matchLabels));
    case 'Job':
      // Its pods get the template's labels (a Job's template is immutable).
      return commonLabels(own, stringPairs(d.spec?.template?.metadata?.labels));
    default:
      return own;
  }
}

function hookEventsOf(d: Doc): string[] | undefined {
  const annotation = d.metadata?.annotations?.['helm.sh/hook'];
  return annotation
    ?.split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

/**
 * The objects of one revision: its manifest, then its hooks. Objects without
 * a namespace land in the release namespace when namespaced; an explicit
 * namespace is kept.
 */
export function releaseObjects(
  manifest: string,
  releaseNamespace: string,
  hooks: readonly ReleaseHook[] = [],
): ReleaseObject[] {
  const docs = documents(manifest);
  const hookDocs = hooks.map((h) => ({ hook: h, docs: documents(h.manifest) }));
  const isClusterScoped = clusterScopeIn([...docs, ...hookDocs.flatMap((h) => h.docs)]);
  const objects = docs.map((d) => toObject(d, releaseNamespace, isClusterScoped, hookEventsOf(d)));
  for (const { hook, docs } of hookDocs) {
    for (const d of docs) {
      const events = hook.events?.length ? hook.events : (hookEventsOf(d) ?? []);
      objects.push(toObject(d, releaseNamespace, isClusterScoped, events));
    }
  }
  return objects;
}

/** `Kind/name`, as failures and warnings name an object. */
export function objectRef(o: Pick<ReleaseObject, 'kind' | 'name'>): string {
  return `${o.kind}/${o.name}`;
}
