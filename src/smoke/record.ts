// A smoke test given a `release` records its verdict on the revision it
// tested: passed -> verified, failed -> rejected (see release/records.ts). The
// revision is the one helm calls deployed when the test starts; when another
// one is deployed by the time it ends, nothing is recorded.
import type { Kubectl } from '../kube/kubectl.js';
import { RecordStore } from '../release/records.js';

export interface TestedRelease {
  store: RecordStore;
  /** The deployed revision when the test started. */
  revision: number | undefined;
}

export async function releaseUnderTest(
  kubectl: Kubectl,
  name: string,
  namespace: string,
): Promise<TestedRelease> {
  const store = new RecordStore(kubectl, name, namespace);
  if (!store.supported) return { store, revision: undefined };
  return { store, revision: (await store.read()).deployed };
}

/** Records the verdict; returns the line that says what was recorded. */
export async function recordVerdict(tested: TestedRelease, passed: boolean): Promise<string> {
  const { store, revision } = tested;
  const name = `release '${store.release}' in '${store.namespace}'`;
  if (!store.supported)
    return `${name}: helm's storage driver is not readable with kubectl; nothing recorded`;
  if (revision === undefined) return `${name} has no deployed revision; nothing recorded`;
  const now = (await store.read()).deployed;
  if (now !== revision) {
    return `${name} moved from revision ${revision} to ${now ?? 'none'} during the test; nothing recorded`;
  }
  await store.mark(revision, passed ? 'verified' : 'rejected');
  return `${name} revision ${revision} recorded as ${passed ? 'verified' : 'rejected'}`;
}
