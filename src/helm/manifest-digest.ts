// A manifest's identity without its content: manifests hold Secrets, so two
// revisions are compared, and a revision is named, by digest only.
import { createHash } from 'node:crypto';

/** `sha256:<hex>` of a manifest as helm recorded it. */
export function manifestDigest(manifest: string): string {
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}
