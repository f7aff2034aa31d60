// helm's stored release records, decoded here. A record's `release` field is
// helm's base64 of the gzipped release JSON; a Secret's data adds the
// Secret's own base64 on top. The whole release holds the values it was
// given, secret ones included: callers keep only the part they need.
import { gunzipSync } from 'node:zlib';
import type { Helm } from '../helm/helm.js';
import { collectionPath, type Kubectl } from '../kube/kubectl.js';
import type { ReleaseHook } from '../kube/release-objects.js';
import { storageKind } from './records.js';

export interface StoredRelease {
  manifest?: string;
  hooks?: ReleaseHook[] | null;
}

/** The release a record's `release` field holds. Pure, for tests. */
export function decodeRecord(field: string, kind: 'secret' | 'configmap'): StoredRelease {
  const helmEncoded = kind === 'secret' ? Buffer.from(field, 'base64').toString('utf8') : field;
  let bytes = Buffer.from(helmEncoded, 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return JSON.parse(bytes.toString('utf8')) as StoredRelease;
}

/**
 * The manifest of one revision, read from its record through the deploy's
 * kubectl proxy (waiting for it to start): a request instead of a
 * `helm get manifest` process competing with the upgrade for the CPUs.
 * Undefined when it cannot be read that way (no proxy, a storage driver
 * kubectl does not read, no such record): the caller asks helm.
 */
export async function storedManifest(
  kubectl: Kubectl,
  release: string,
  namespace: string,
  revision: number,
): Promise<string | undefined> {
  const kind = storageKind();
  const proxy = kind && (await kubectl.proxyInUse());
  if (!kind || !proxy) return undefined;
  const record = await proxy
    .get<{ data?: { release?: string } }>(
      `${collectionPath(kind, namespace)}/sh.helm.release.v1.${release}.v${revision}`,
    )
    .catch(() => undefined);
  const field = record?.data?.release;
  if (!field) return undefined;
  return decodeRecord(field, kind).manifest;
}

/**
 * The manifest of one revision: from its record through the proxy, else as
 * `helm get manifest` prints it (one more trailing newline).
 */
export async function revisionManifest(
  clients: { helm: Helm; kubectl: Kubectl },
  release: string,
  namespace: string,
  revision: number,
): Promise<string> {
  return (
    (await storedManifest(clients.kubectl, release, namespace, revision)) ??
    (await clients.helm.manifest(release, namespace, revision))
  );
}
