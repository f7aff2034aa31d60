// The release record helm writes when an install or upgrade starts (status
// pending-install / pending-upgrade), read while that helm still runs: its
// hooks are the hook objects this operation creates, and its creation time
// (the API server's clock, as every object's) tells them from objects of the
// same name an earlier operation left.
import type { Kubectl, KubeObject } from '../kube/kubectl.js';
import type { ReleaseHook } from '../kube/release-objects.js';
import { storageKind } from './records.js';
import { decodeRecord } from './stored-release.js';

export interface PendingRecord {
  revision: number;
  status: 'pending-install' | 'pending-upgrade';
  /** metadata.creationTimestamp of the record (API server time). */
  createdAt: string;
  hooks: ReleaseHook[];
}

/** The hook events an operation runs: helm's install runs the install hooks, its upgrade the upgrade hooks. */
export function operationHookEvents(status: PendingRecord['status']): string[] {
  return status === 'pending-install'
    ? ['pre-install', 'post-install']
    : ['pre-upgrade', 'post-upgrade'];
}

/**
 * The hooks of a stored release, decoded from the record's `release` field.
 * Only what identifies each hook is kept: the record also holds the values
 * the release was given, secret ones included. Pure, for tests.
 */
export function recordHooks(field: string, kind: 'secret' | 'configmap'): ReleaseHook[] {
  const release = decodeRecord(field, kind);
  return (release.hooks ?? []).map((h) => ({
    kind: h.kind,
    name: h.name,
    manifest: h.manifest,
    events: h.events,
    delete_policies: h.delete_policies,
  }));
}

/**
 * The pending record of `release` above `afterRevision`, or undefined while
 * helm has not written it (or the storage driver is not one kubectl reads).
 */
export async function readPendingRecord(
  kubectl: Kubectl,
  release: string,
  namespace: string,
  afterRevision: number,
): Promise<PendingRecord | undefined> {
  const kind = storageKind();
  if (!kind) return undefined;
  const selector = `owner=helm,name=${release},status in (pending-install,pending-upgrade)`;
  // Unredacted and never shown: the record is decoded here and only its hooks kept.
  const items = (await kubectl.list(kind, namespace, selector)) as (KubeObject & {
    data?: { release?: string };
  })[];
  const record = items
    .map((item) => ({ item, revision: Number(item.metadata.labels?.version) }))
    .filter(({ revision }) => Number.isInteger(revision) && revision > afterRevision)
    .sort((a, b) => b.revision - a.revision)[0];
  const field = record?.item.data?.release;
  if (!record || !field) return undefined;
  return {
    revision: record.revision,
    status: record.item.metadata.labels!.status as PendingRecord['status'],
    createdAt: record.item.metadata.creationTimestamp ?? '',
    hooks: recordHooks(field, kind),
  };
}
