// The production checklist as named rules over the rendered objects of one
// values set. Each rule is a small function returning violations; whether a
// violation is an error or a warning is decided per environment elsewhere
// (policy-config.ts).
export type Manifest = Record<string, unknown>;

export interface RenderedObject {
  doc: Manifest;
  /** Template that rendered it, as helm prints it (`hotswap/templates/deployment.yaml`). */
  source: string;
}

export const RULE_NAMES = [
  'run-as-non-root',
  'read-only-root-filesystem',
  'drop-capabilities',
  'resources',
  'probes',
  'image-tag',
  'replicas',
  'pod-disruption-budget',
  'ingress-tls',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** What values key most likely controls a field: key suffixes, best first, and the offending value. */
export interface ValuesHint {
  keys: string[];
  value?: unknown;
}

export interface Violation {
  rule: RuleName;
  /** `Kind/name` of the object. */
  object: string;
  source: string;
  message: string;
  /** Path of the offending field in the object, or of its nearest existing parent. */
  field: (string | number)[];
  /** The rendered scalar at `field` when the field itself exists (a hard-coded one is found in the template). */
  rendered?: string | number | boolean;
  hint: ValuesHint;
  /** Words that tie the finding to values keys (container name, template path). */
  context: string[];
}

/** Lowest replica count (or HPA minimum) that survives a node drain with capacity to spare. */
export const MIN_REPLICAS = 3;

type Rule = (objects: readonly RenderedObject[]) => Violation[];

// ---- object helpers -------------------------------------------------------

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter((v): v is Obj => !!obj(v)) : [];
}

function get(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

/** The longest prefix of `path` that exists in the object. */
function existing(root: unknown, path: readonly (string | number)[]): (string | number)[] {
  for (let n = path.length; n > 0; n--)
    if (get(root, path.slice(0, n)) !== undefined) return path.slice(0, n);
  return [];
}

function nameOf(o: RenderedObject): string {
  return `${String(o.doc.kind)}/${String(get(o.doc, ['metadata', 'name']) ?? '?')}`;
}

function isHook(o: RenderedObject): boolean {
  return get(o.doc, ['metadata', 'annotations', 'helm.sh/hook']) !== undefined;
}

function sourceWords(source: string): string[] {
  return source
    .split('/')
    .slice(1)
    .filter((w) => w !== 'templates')
    .map((w) => w.replace(/\.(ya?ml|tpl)$/, ''));
}

const POD_SPEC_PATHS: Record<string, (string | number)[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const LONG_RUNNING = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
]);
const SCALED = new Set(['Deployment', 'StatefulSet']);

interface ContainerRef {
  object: RenderedObject;
  pod: Obj;
  podPath: (string | number)[];
  container: Obj;
  path: (string | number)[];
  init: boolean;
  /** Runs as long as the pod serves (not a Job, CronJob or helm hook). */
  longRunning: boolean;
  label: string;
}

function containersOf(objects: readonly RenderedObject[]): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const object of objects) {
    const podPath = POD_SPEC_PATHS[String(object.doc.kind)];
    const pod = podPath && obj(get(object.doc, podPath));
    if (!podPath || !pod) continue;
    const longRunning = LONG_RUNNING.has(String(object.doc.kind)) && !isHook(object);
    for (const field of ['initContainers', 'containers'] as const) {
      list(pod[field]).forEach((container, i) => {
        refs.push({
          object,
          pod,
          podPath,
          container,
          path: [...podPath, field, i],
          init: field === 'initContainers',
          longRunning,
          label: `${nameOf(object)} ${field === 'initContainers' ? 'init container' : 'container'} "${String(container.name ?? i)}"`,
        });
      });
    }
  }
  return refs;
}

function violation(
  rule: RuleName,
  ref: { object: RenderedObject; container?: Obj },
  message: string,
  field: (string | number)[],
  hint: ValuesHint,
): Violation {
  const context = sourceWords(ref.object.source);
  if (ref.container?.name) context.push(String(ref.container.name));
  const at = existing(ref.object.doc, field);
  const rendered = at.length === field.length ? get(ref.object.doc, at) : undefined;
  return {
    rule,
    object: nameOf(ref.object),
    source: ref.object.source,
    message,
    field: at,
    ...(['string', 'number', 'boolean'].includes(typeof rendered)
      ? { rendered: rendered as string | number | boolean }
      : {}),
    hint,
    context,
  };
}

// ---- rules ----------------------------------------------------------------

export const runAsNonRoot: Rule = (objects) =>
  containersOf(objects).flatMap((ref) => {
    const own = obj(ref.container.securityContext) ?? {};
    const pod = obj(ref.pod.securityContext) ?? {};
    const user = own.runAsUser ?? pod.runAsUser;
    const nonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
    const where = own.runAsNonRoot !== undefined ? ref.path : ref.podPath;
    if (user === 0) {
      const userPath = own.runAsUser !== undefined ? ref.path : ref.podPath;
      return [
        violation(
          'run-as-non-root',
          ref,
          `${ref.label} runs as uid 0 (root)`,
          [...userPath, 'securityContext', 'runAsUser'],
          {
            keys: ['runAsUser'],
            value: 0,
          },
        ),
      ];
    }
    if (nonRoot !== true) {
      return [
        violation(
          'run-as-non-root',
          ref,
          `${ref.label} does not set securityContext.runAsNonRoot: true`,
          [...where, 'securityContext', 'runAsNonRoot'],
          { keys: ['runAsNonRoot', 'securityContext'], value: nonRoot },
        ),
      ];
    }
    return [];
  });

export const readOnlyRootFilesystem: Rule = (objects) =>
  containersOf(objects)
    .filter((ref) => get(ref.container, ['securityContext', 'readOnlyRootFilesystem']) !== true)
    .map((ref) =>
      violation(
        'read-only-root-filesystem',
        ref,
        `${ref.label} does not set securityContext.readOnlyRootFilesystem: true`,
        [...ref.path, 'securityContext', 'readOnlyRootFilesystem'],
        {
          keys: ['readOnlyRootFilesystem', 'securityContext'],
          value: get(ref.container, ['securityContext', 'readOnlyRootFilesystem']),
        },
      ),
    );

export const dropCapabilities: Rule = (objects) =>
  containersOf(objects).flatMap((ref) => {
    const caps = obj(get(ref.container, ['securityContext', 'capabilities'])) ?? {};
    const drop = (Array.isArray(caps.drop) ? caps.drop : []).map((c) => String(c).toUpperCase());
    const added = (Array.isArray(caps.add) ? caps.add : [])
      .map((c) => String(c).toUpperCase())
      .filter((c) => c !== 'NET_BIND_SERVICE');
    const capsPath = [...ref.path, 'securityContext', 'capabilities'];
    const found: Violation[] = [];
    if (!drop.includes('ALL')) {
      found.push(
        violation(
          'drop-capabilities',
          ref,
          `${ref.label} does not drop ALL capabilities`,
          [...capsPath, 'drop'],
          {
            keys: ['capabilities.drop', 'capabilities', 'securityContext'],
          },
        ),
      );
    }
    if (added.length) {
      found.push(
        violation(
          'drop-capabilities',
          ref,
          `${ref.label} adds capabilities ${added.join(', ')}`,
          [...capsPath, 'add'],
          {
            keys: ['capabilities.add', 'capabilities'],
            value: added[0],
          },
        ),
      );
    }
    return found;
  });

export const resourcesSet: Rule = (objects) =>
  containersOf(objects).flatMap((ref) => {
    const resources = obj(ref.container.resources) ?? {};
    const missing = [
      ['requests', 'cpu'],
      ['requests', 'memory'],
      ['limits', 'memory'],
    ]
      .filter((p) => get(resources, p) === undefined || get(resources, p) === '')
      .map((p) => p.join('.'));
    if (!missing.length) return [];
    return [
      violation(
        'resources',
        ref,
        `${ref.label} does not set resources ${missing.join(', ')}`,
        [...ref.path, 'resources'],
        {
          keys: ['resources'],
        },
      ),
    ];
  });

export const probesSet: Rule = (objects) =>
  containersOf(objects)
    .filter((ref) => ref.longRunning && !ref.init)
    .flatMap((ref) =>
      (['livenessProbe', 'readinessProbe'] as const)
        .filter((probe) => !obj(ref.container[probe]))
        .map((probe) =>
          violation('probes', ref, `${ref.label} has no ${probe}`, [...ref.path, probe], {
            keys: [`${probe}.enabled`, probe, `${probe.replace('Probe', '')}.enabled`],
            value: false,
          }),
        ),
    );

/** The tag of an image reference, '' when it has none; undefined when pinned by digest. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : '';
}

export const imageTagPinned: Rule = (objects) =>
  containersOf(objects).flatMap((ref) => {
    const image = typeof ref.container.image === 'string' ? ref.container.image.trim() : '';
    const field = [...ref.path, 'image'];
    if (!image) {
      return [
        violation('image-tag', ref, `${ref.label} has an empty image`, field, {
          keys: ['image.tag', 'tag', 'image'],
          value: '',
        }),
      ];
    }
    const tag = imageTag(image);
    if (tag === '') {
      return [
        violation(
          'image-tag',
          ref,
          `${ref.label} image "${image}" has no tag (pulls latest)`,
          field,
          {
            keys: ['image.tag', 'tag'],
            value: '',
          },
        ),
      ];
    }
    if (tag === 'latest') {
      return [
        violation('image-tag', ref, `${ref.label} image "${image}" uses the latest tag`, field, {
          keys: ['image.tag', 'tag'],
          value: 'latest',
        }),
      ];
    }
    return [];
  });

function scaledWorkloads(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects.filter((o) => SCALED.has(String(o.doc.kind)) && !isHook(o));
}

function namespaceOf(o: RenderedObject): string {
  return String(get(o.doc, ['metadata', 'namespace']) ?? '');
}

export const minimumReplicas: Rule = (objects) =>
  scaledWorkloads(objects).flatMap((workload) => {
    const name = get(workload.doc, ['metadata', 'name']);
    const hpa = objects.find(
      (o) =>
        o.doc.kind === 'HorizontalPodAutoscaler' &&
        namespaceOf(o) === namespaceOf(workload) &&
        get(o.doc, ['spec', 'scaleTargetRef', 'kind']) === workload.doc.kind &&
        get(o.doc, ['spec', 'scaleTargetRef', 'name']) === name,
    );
    if (hpa) {
      const min = Number(get(hpa.doc, ['spec', 'minReplicas']) ?? 1);
      if (min >= MIN_REPLICAS) return [];
      return [
        violation(
          'replicas',
          { object: hpa },
          `${nameOf(hpa)} scales ${nameOf(workload)} down to ${min} replica(s); at least ${MIN_REPLICAS} are required`,
          ['spec', 'minReplicas'],
          // Charts (ours among them) let an explicit replicaCount set the HPA minimum.
          { keys: ['minReplicas', 'replicaCount'], value: min },
        ),
      ];
    }
    const replicas = Number(get(workload.doc, ['spec', 'replicas']) ?? 1);
    if (replicas >= MIN_REPLICAS) return [];
    return [
      violation(
        'replicas',
        { object: workload },
        `${nameOf(workload)} runs ${replicas} replica(s) and has no HorizontalPodAutoscaler; at least ${MIN_REPLICAS} are required`,
        ['spec', 'replicas'],
        { keys: ['replicaCount', 'replicas'], value: replicas },
      ),
    ];
  });

/** Whether a label selector (matchLabels + matchExpressions) selects these labels. */
export function selectorMatches(selector: unknown, labels: Record<string, unknown>): boolean {
  const sel = obj(selector);
  if (!sel) return false;
  const matchLabels = obj(sel.matchLabels) ?? {};
  const expressions = list(sel.matchExpressions);
  if (!Object.keys(matchLabels).length && !expressions.length) return false; // selects nothing useful
  for (const [k, v] of Object.entries(matchLabels))
    if (String(labels[k]) !== String(v)) return false;
  for (const e of expressions) {
    const key = String(e.key);
    const values = (Array.isArray(e.values) ? e.values : []).map(String);
    const has = key in labels;
    const value = String(labels[key]);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export const podDisruptionBudget: Rule = (objects) =>
  scaledWorkloads(objects).flatMap((workload) => {
    const labels = obj(get(workload.doc, ['spec', 'template', 'metadata', 'labels'])) ?? {};
    const covered = objects.some(
      (o) =>
        o.doc.kind === 'PodDisruptionBudget' &&
        namespaceOf(o) === namespaceOf(workload) &&
        selectorMatches(get(o.doc, ['spec', 'selector']), labels),
    );
    if (covered) return [];
    return [
      violation(
        'pod-disruption-budget',
        { object: workload },
        `${nameOf(workload)} has no PodDisruptionBudget selecting its pods`,
        ['kind'],
        {
          keys: ['podDisruptionBudget.enabled', 'podDisruptionBudget', 'pdb.enabled', 'pdb'],
          value: false,
        },
      ),
    ];
  });

/** Whether a TLS host entry (possibly `*.example.com`) covers a rule host. */
export function tlsCovers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const suffix = tlsHost.slice(1); // .example.com
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
}

export const ingressTls: Rule = (objects) =>
  objects
    .filter((o) => o.doc.kind === 'Ingress')
    .flatMap((ingress) => {
      const tls = list(get(ingress.doc, ['spec', 'tls']));
      const tlsHosts = tls.flatMap((t) => (Array.isArray(t.hosts) ? t.hosts.map(String) : []));
      return list(get(ingress.doc, ['spec', 'rules'])).flatMap((rule, i) => {
        const host = typeof rule.host === 'string' ? rule.host : '';
        if (!host) {
          if (tls.length) return [];
          return [
            violation(
              'ingress-tls',
              { object: ingress },
              `${nameOf(ingress)} rule ${i} has no host and the Ingress has no TLS`,
              ['spec', 'rules', i],
              {
                keys: ['ingress.tls', 'tls'],
              },
            ),
          ];
        }
        if (tlsHosts.some((t) => tlsCovers(t, host))) return [];
        return [
          violation(
            'ingress-tls',
            { object: ingress },
            `${nameOf(ingress)} host "${host}" is not covered by TLS`,
            ['spec', 'rules', i, 'host'],
            {
              keys: ['host', 'ingress.tls', 'tls'],
              value: host,
            },
          ),
        ];
      });
    });

export const RULES: Record<RuleName, Rule> = {
  'run-as-non-root': runAsNonRoot,
  'read-only-root-filesystem': readOnlyRootFilesystem,
  'drop-capabilities': dropCapabilities,
  resources: resourcesSet,
  probes: probesSet,
  'image-tag': imageTagPinned,
  replicas: minimumReplicas,
  'pod-disruption-budget': podDisruptionBudget,
  'ingress-tls': ingressTls,
};

/** Runs the given rules (all by default) over the objects of one rendered values set. */
export function checkPolicies(
  objects: readonly RenderedObject[],
  rules: readonly RuleName[] = RULE_NAMES,
): Violation[] {
  return rules.flatMap((rule) => RULES[rule](objects));
}
