// Helpers the policy rules share: reading fields of rendered objects, the
// containers of every pod template, and a violation pointing at a field.
import { templateNameWords, type TemplateDocument } from '../locate.js';
import { get } from '../object-path.js';
import type { RenderedObject, RuleName, ValuesHint, Violation } from './model.js';

export type Obj = Record<string, unknown>;

export function obj(value: unknown): Obj | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

export function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter((v): v is Obj => !!obj(v)) : [];
}

/** The longest prefix of `path` that exists in the object. */
function existing(root: unknown, path: readonly (string | number)[]): (string | number)[] {
  for (let n = path.length; n > 0; n--)
    if (get(root, path.slice(0, n)) !== undefined) return path.slice(0, n);
  return [];
}

export function nameOf(o: RenderedObject): string {
  return `${String(o.doc.kind)}/${String(get(o.doc, ['metadata', 'name']) ?? '?')}`;
}

export function isHook(o: RenderedObject): boolean {
  return get(o.doc, ['metadata', 'annotations', 'helm.sh/hook']) !== undefined;
}

/** The template document an object came from, when render recorded its place. */
export function templateDocument(o: RenderedObject): TemplateDocument | undefined {
  return o.kindIndex === undefined ? undefined : { kind: String(o.doc.kind), index: o.kindIndex };
}

function sourceWords(source: string): string[] {
  return source
    .split('/')
    .slice(1)
    .filter((w) => w !== 'templates')
    .flatMap((w) => templateNameWords(w.replace(/\.(ya?ml|tpl)$/, '')));
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
export const SCALED = new Set(['Deployment', 'StatefulSet']);

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

export function containersOf(objects: readonly RenderedObject[]): ContainerRef[] {
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

/** Names of the pod's containers other than `container`. */
function otherContainers(pod: Obj, container: Obj): string[] {
  return [...list(pod.initContainers), ...list(pod.containers)]
    .filter((c) => c !== container && typeof c.name === 'string')
    .map((c) => String(c.name));
}

export function violation(
  rule: RuleName,
  ref: { object: RenderedObject; container?: Obj; pod?: Obj },
  message: string,
  field: (string | number)[],
  given: ValuesHint,
): Violation {
  const context = sourceWords(ref.object.source);
  if (ref.container?.name) context.push(String(ref.container.name));
  const others = ref.pod && ref.container ? otherContainers(ref.pod, ref.container) : [];
  const hint =
    typeof ref.container?.name === 'string'
      ? { ...given, containers: { own: ref.container.name, others } }
      : given;
  const at = existing(ref.object.doc, field);
  const rendered = at.length === field.length ? get(ref.object.doc, at) : undefined;
  const document = templateDocument(ref.object);
  return {
    rule,
    object: nameOf(ref.object),
    source: ref.object.source,
    ...(document ? { document } : {}),
    message,
    field: at,
    ...(['string', 'number', 'boolean'].includes(typeof rendered)
      ? { rendered: rendered as string | number | boolean }
      : {}),
    hint,
    context,
  };
}
