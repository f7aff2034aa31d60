// A Job with ttlSecondsAfterFinished is deleted by the cluster that long
// after it finished (0: at once), often before a poll sees it Complete. Not
// found then does not mean "not created yet" (helm created it before the
// watch began): its outcome is in the events the Job controller left on it,
// which outlive the Job. Pure.
import { eventTime, type KubeEvent } from './kubectl.js';
import { objectRef, type ReleaseObject } from './release-objects.js';
import type { Verdict } from './workload-rules.js';

/** Reasons of the Job controller's event when a Job fails for good. */
const FAILED = new Set([
  'BackoffLimitExceeded',
  'DeadlineExceeded',
  'PodFailurePolicy',
  'MaxFailedIndexesExceeded',
  'FailedIndexes',
]);

/** A Job of the release that the cluster may have removed after it finished. */
export function removableJob(o: ReleaseObject): boolean {
  return (
    o.group === 'batch' &&
    o.kind === 'Job' &&
    !o.hookEvents &&
    o.namespace !== undefined &&
    o.ttlSecondsAfterFinished !== undefined
  );
}

/**
 * The events of the newest Job of that name: a Job recreated under the same
 * name (each upgrade that finds it gone) is a new object with a new uid, and
 * the previous one's events may still be there. None when two Jobs began in
 * the same second (event times have whole seconds): which one is this
 * revision's is not known, and an earlier run's outcome must not stand in.
 */
function newestJobEvents(o: ReleaseObject, events: readonly KubeEvent[]): KubeEvent[] {
  const byUid = new Map<string, KubeEvent[]>();
  for (const e of events) {
    if (e.involvedObject?.kind !== 'Job' || e.involvedObject.name !== o.name) continue;
    const uid = e.involvedObject.uid ?? '';
    byUid.set(uid, [...(byUid.get(uid) ?? []), e]);
  }
  const first = (list: KubeEvent[]) => list.map(eventTime).sort()[0] ?? '';
  const [newest, previous] = [...byUid.values()].sort((a, b) => first(b).localeCompare(first(a)));
  if (newest && previous && first(newest) === first(previous)) return [];
  return newest ?? [];
}

/** The verdict on a removable Job that is not found, from its events. */
export function removedJobVerdict(o: ReleaseObject, events: readonly KubeEvent[]): Verdict {
  const ttl = `removed ${o.ttlSecondsAfterFinished} s after it finished (ttlSecondsAfterFinished)`;
  const own = newestJobEvents(o, events);
  const failed = own.find((e) => e.type === 'Warning' && FAILED.has(e.reason ?? ''));
  if (failed) {
    const message = `${failed.message ?? 'the job failed'}; ${ttl}`;
    return { failure: { object: objectRef(o), reason: failed.reason!, message } };
  }
  if (own.some((e) => e.reason === 'Completed')) return {};
  return { waiting: `${objectRef(o)}: not found` };
}
