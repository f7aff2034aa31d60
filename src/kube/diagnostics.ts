// What a person needs to see when a rollout fails: for each failing object its
// reason, its recent events and, where the cluster keeps them, the last log
// lines of its containers. Everything is redacted; a cluster without logs
// (kwok simulates containers) yields "no logs" rather than an error.
import { redact } from '../secrets/redact.js';
import type { KubeEvent, KubeObject, Kubectl } from './kubectl.js';
import type { RolloutFailure } from './rollout.js';

export interface ObjectDiagnostics {
  object: string;
  reason: string;
  message: string;
  events: string[];
  /** Per container, the last lines; undefined when the cluster returned none. */
  logs: { container: string; lines: string | undefined }[];
}

const MAX_OBJECTS = 5;

export async function collectDiagnostics(
  kubectl: Kubectl,
  namespace: string,
  failures: readonly RolloutFailure[],
  pods: readonly KubeObject[],
  { events = 8, logLines = 20 }: { events?: number; logLines?: number } = {},
): Promise<ObjectDiagnostics[]> {
  const seen = new Set<string>();
  const result: ObjectDiagnostics[] = [];
  for (const failure of failures) {
    if (seen.has(failure.object) || result.length >= MAX_OBJECTS) continue;
    seen.add(failure.object);
    const [kind, name = ''] = failure.object.split('/');
    const ns = failure.namespace ?? namespace;
    const evs = await kubectl.events(ns, name).catch(() => []);
    const logs: ObjectDiagnostics['logs'] = [];
    // A Pod's containers, or those of a Job's newest pod (a failed hook says why in its log).
    const pod =
      kind === 'Pod'
        ? pods.find((p) => p.metadata.name === name && (p.metadata.namespace ?? ns) === ns)
        : kind === 'Job'
          ? newestPodOf('Job', name, ns, pods)
          : undefined;
    // Events are found by name, and a name outlives its object: a StatefulSet's
    // pod, a Job helm recreates at each upgrade. Only the failing one's are shown.
    const uid =
      kind === 'Pod'
        ? pod?.metadata.uid
        : pod?.metadata.ownerReferences?.find((o) => o.kind === kind && o.name === name)?.uid;
    const own = uid ? evs.filter((e) => (e.involvedObject?.uid ?? uid) === uid) : evs;
    // A pod no node can take for want of a volume: the claim's own warnings
    // say why (its StorageClass does not exist, no volume matches).
    const claims =
      kind === 'Pod' && failure.reason === 'Unschedulable' && pod
        ? await claimWarnings(kubectl, ns, pod)
        : [];
    const containers: { name: string }[] = pod?.spec?.containers ?? [];
    for (const c of containers) {
      // Restarted and running again: the instance that died says why, not the new one.
      const previous = restartedAndRunning(pod!, c.name);
      const lines = await kubectl
        .logs(ns, pod!.metadata.name, c.name, logLines, previous)
        .catch(() => undefined);
      const label = kind === 'Pod' ? c.name : `${c.name} (Pod/${pod!.metadata.name})`;
      logs.push({
        container: previous ? `${label}, before its last restart` : label,
        lines: lines?.trim() ? redact(lines.trimEnd()) : undefined,
      });
    }
    result.push({
      object: failure.namespace
        ? `${failure.object} (namespace ${failure.namespace})`
        : failure.object,
      reason: failure.reason,
      message: redact(failure.message),
      events: [...own.slice(-events).map((e) => redact(eventLine(e))), ...claims],
      logs,
    });
  }
  return result;
}

function eventLine(e: KubeEvent): string {
  const count = (e.count ?? 1) > 1 ? ` (x${e.count})` : '';
  return `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}${count}`.trim();
}

/** The newest warning of each PersistentVolumeClaim the pod mounts, as `PersistentVolumeClaim/<name>: ...`. */
async function claimWarnings(
  kubectl: Kubectl,
  namespace: string,
  pod: KubeObject,
): Promise<string[]> {
  const volumes = (pod.spec?.volumes ?? []) as { persistentVolumeClaim?: { claimName?: string } }[];
  const claims = volumes.flatMap((v) => v.persistentVolumeClaim?.claimName ?? []);
  const lines: string[] = [];
  for (const claim of claims.slice(0, MAX_OBJECTS)) {
    const evs = await kubectl.events(namespace, claim).catch(() => []);
    const warning = evs
      .filter((e) => e.involvedObject?.kind === 'PersistentVolumeClaim' && e.type === 'Warning')
      .at(-1);
    if (warning) lines.push(redact(`PersistentVolumeClaim/${claim}: ${eventLine(warning)}`));
  }
  return lines;
}

function restartedAndRunning(pod: KubeObject, container: string): boolean {
  const statuses = (pod.status?.containerStatuses ?? []) as {
    name: string;
    restartCount?: number;
    state?: { running?: unknown };
  }[];
  const c = statuses.find((s) => s.name === container);
  return (c?.restartCount ?? 0) > 0 && c?.state?.running !== undefined;
}

/** The newest pod a workload owns directly (a Job's last attempt). */
function newestPodOf(
  kind: string,
  name: string,
  namespace: string,
  pods: readonly KubeObject[],
): KubeObject | undefined {
  return pods
    .filter(
      (p) =>
        (p.metadata.namespace ?? namespace) === namespace &&
        (p.metadata.ownerReferences ?? []).some((o) => o.kind === kind && o.name === name),
    )
    .sort((a, b) =>
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
    )[0];
}
