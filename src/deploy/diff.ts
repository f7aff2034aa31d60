// The change a deploy makes, object by object: the manifest helm would apply
// against the one the running release recorded. Secret data never appears:
// each key shows only whether its value changed.
import { createHmac, randomBytes } from 'node:crypto';
import { structuredPatch } from 'diff';
import yaml from 'js-yaml';
import { redact } from '../secrets/redact.js';

export interface ObjectChange {
  /** `Kind namespace/name`. */
  id: string;
  change: 'added' | 'changed' | 'removed';
  /** Unified diff lines (without file headers); empty for added/removed. */
  lines: string[];
}

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
}

// Keyed with a key that lives only in this process: the fingerprint tells a
// change apart without offering a hash to guess a weak password against.
const FINGERPRINT_KEY = randomBytes(32);

function fingerprint(value: unknown): string {
  return createHmac('sha256', FINGERPRINT_KEY).update(String(value)).digest('hex').slice(0, 8);
}

/** Replaces each Secret value with a fingerprint: a diff shows a change without showing the value. */
function redactSecret(doc: Doc): Doc {
  if (doc.kind !== 'Secret') return doc;
  const hide = (m?: Record<string, unknown>) =>
    m &&
    Object.fromEntries(
      Object.entries(m).map(([k, v]) => [k, `(redacted, fingerprint ${fingerprint(v)})`]),
    );
  return { ...doc, data: hide(doc.data), stringData: hide(doc.stringData) };
}

export function parseManifest(manifest: string, namespace: string): Map<string, string> {
  const objects = new Map<string, string>();
  for (const doc of yaml.loadAll(manifest) as (Doc | null)[]) {
    if (!doc || typeof doc !== 'object' || !doc.kind) continue;
    const id = `${doc.kind} ${doc.metadata?.namespace ?? namespace}/${doc.metadata?.name ?? '?'}`;
    objects.set(id, yaml.dump(redactSecret(doc), { sortKeys: true, lineWidth: -1 }));
  }
  return objects;
}

export function diffManifests(before: string, after: string, namespace: string): ObjectChange[] {
  const old = parseManifest(before, namespace);
  const next = parseManifest(after, namespace);
  const changes: ObjectChange[] = [];
  for (const [id, text] of next) {
    const prev = old.get(id);
    if (prev === undefined) {
      changes.push({ id, change: 'added', lines: [] });
    } else if (prev !== text) {
      const patch = structuredPatch(id, id, prev, text, '', '', { context: 2 });
      const lines = patch.hunks.flatMap((h) => [
        `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
        ...h.lines,
      ]);
      // Belt and braces: a secret rendered into a non-Secret object is still masked.
      changes.push({ id, change: 'changed', lines: lines.map(redact) });
    }
  }
  for (const id of old.keys())
    if (!next.has(id)) changes.push({ id, change: 'removed', lines: [] });
  const order = { removed: 0, changed: 1, added: 2 };
  return changes.sort((a, b) => order[a.change] - order[b.change] || a.id.localeCompare(b.id));
}
