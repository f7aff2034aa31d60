// The change a deploy makes, object by object: the manifest helm would apply
// against the one the running release recorded. No secret appears: Secret
// data shows only whether each value changed, and so does any value elsewhere
// (a Deployment env value, an annotation) that holds a secret, on both sides
// of the diff, so a rotated-away old value is hidden as well as the new one.
import { createHmac, randomBytes } from 'node:crypto';
import { structuredPatch } from 'diff';
import { stringify } from 'yaml';
import { clusterScopeIn, manifestDocuments } from '../kube/release-objects.js';
import { holdsSecret, redact } from '../secrets/redact.js';

export interface ObjectChange {
  /** `Kind namespace/name`. */
  id: string;
  change: 'added' | 'changed' | 'removed';
  /** Unified diff lines (without file headers); empty for added/removed. */
  lines: string[];
}

interface Doc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
}

// Keyed with a key that lives only in this process: the fingerprint tells a
// change apart without offering a hash to guess a weak password against.
const FINGERPRINT_KEY = randomBytes(32);

function hidden(value: unknown): string {
  const print = createHmac('sha256', FINGERPRINT_KEY).update(String(value)).digest('hex');
  return `(redacted, fingerprint ${print.slice(0, 8)})`;
}

/** A manifest's objects by `Kind namespace/name`, one side of a diff. */
export type ManifestObjects = ReadonlyMap<string, Doc>;

/** The objects of a manifest by `Kind namespace/name`. */
export function manifestObjects(manifest: string, namespace: string): ManifestObjects {
  const objects = new Map<string, Doc>();
  const docs = (manifestDocuments(manifest).values as (Doc | null)[]).filter(
    (value): value is Doc => !!value && typeof value === 'object' && !!value.kind,
  );
  const isClusterScoped = clusterScopeIn(docs);
  for (const value of docs) {
    // A cluster-scoped object is named without one: the release's namespace is not its.
    const where = isClusterScoped(value.apiVersion, value.kind!)
      ? ''
      : `${value.metadata?.namespace ?? namespace}/`;
    const id = `${value.kind} ${where}${value.metadata?.name ?? '?'}`;
    objects.set(id, value);
  }
  return objects;
}

/** The values a manifest's Secrets hold, decoded: they are secrets wherever else they appear. */
function secretDataValues(objects: Iterable<Doc>): Set<string> {
  const values = new Set<string>();
  for (const doc of objects) {
    if (doc.kind !== 'Secret') continue;
    for (const v of Object.values(doc.data ?? {}))
      values.add(Buffer.from(String(v), 'base64').toString());
    for (const v of Object.values(doc.stringData ?? {})) values.add(String(v));
  }
  return new Set([...values].filter((v) => v.trim().length >= 3));
}

type Visit = (value: string, path: string) => string;

/** A copy of `value` with each string leaf replaced by `visit(leaf, path)`. */
function mapStrings(value: unknown, path: string, visit: Visit): unknown {
  if (typeof value === 'string') return visit(value, path);
  if (Array.isArray(value)) return value.map((v, i) => mapStrings(v, `${path}[${i}]`, visit));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, mapStrings(v, `${path}.${k}`, visit)]),
    );
  }
  return value;
}

export function diffManifests(before: string, after: string, namespace: string): ObjectChange[] {
  return diffObjects(manifestObjects(before, namespace), manifestObjects(after, namespace));
}

/** The diff of two parsed manifests (see manifestObjects). */
export function diffObjects(old: ManifestObjects, next: ManifestObjects): ObjectChange[] {
  const known = secretDataValues([...old.values(), ...next.values()]);
  const isSecret = (v: string) => known.has(v) || known.has(v.trim()) || holdsSecret(v);

  // A path that holds a secret on either side is hidden on both.
  const secretPaths = new Set<string>();
  for (const [id, doc] of [...old, ...next]) {
    mapStrings(doc, id, (v, path) => (isSecret(v) && secretPaths.add(path), v));
  }
  const render = (id: string, doc: Doc): string => {
    const shown =
      doc.kind === 'Secret'
        ? {
            ...doc,
            data: mapStrings(doc.data, '', hidden),
            stringData: mapStrings(doc.stringData, '', hidden),
          }
        : mapStrings(doc, id, (v, path) => (secretPaths.has(path) || isSecret(v) ? hidden(v) : v));
    return stringify(shown, { sortMapEntries: true, lineWidth: 0 });
  };

  const changes: ObjectChange[] = [];
  for (const [id, doc] of next) {
    const prevDoc = old.get(id);
    if (prevDoc === undefined) {
      changes.push({ id, change: 'added', lines: [] });
      continue;
    }
    // Unchanged objects (most of them, usually) skip rendering.
    if (JSON.stringify(prevDoc) === JSON.stringify(doc)) continue;
    const prev = render(id, prevDoc);
    const text = render(id, doc);
    if (prev === text) continue;
    const patch = structuredPatch(id, id, prev, text, '', '', { context: 2 });
    const lines = patch.hunks.flatMap((h) => [
      `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
      ...h.lines,
    ]);
    // Belt and braces: a secret inside a longer text (a command line, a URL) is masked too.
    changes.push({ id, change: 'changed', lines: lines.map(redact) });
  }
  for (const id of old.keys())
    if (!next.has(id)) changes.push({ id, change: 'removed', lines: [] });
  const order = { removed: 0, changed: 1, added: 2 };
  return changes.sort((a, b) => order[a.change] - order[b.change] || a.id.localeCompare(b.id));
}
