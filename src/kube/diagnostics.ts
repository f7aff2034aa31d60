// What a person needs to see when a rollout fails: for each failing object its
// reason, its recent events and, where the cluster keeps them, the last log
// lines of its containers. Everything is redacted; a cluster without logs
// (kwok simulates containers) yields "no logs" rather than an error.
import { redact } from '../secrets/redact.js';
import type { KubeObject, Kubectl } from './kubectl.js';
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
    if (kind === 'Pod') {
      const pod = pods.find((p) => p.metadata.name === name && (p.metadata.namespace ?? ns) === ns);
      const containers: { name: string }[] = pod?.spec?.containers ?? [];
      for (const c of containers) {
        const lines = await kubectl.logs(ns, name, c.name, logLines).catch(() => undefined);
        logs.push({
          container: c.name,
          lines: lines?.trim() ? redact(lines.trimEnd()) : undefined,
        });
      }
    }
    result.push({
      object: failure.namespace
        ? `${failure.object} (namespace ${failure.namespace})`
        : failure.object,
      reason: failure.reason,
      message: redact(failure.message),
      events: evs
        .slice(-events)
        .map((e) =>
          redact(
            `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`.trim(),
          ),
        ),
      logs,
    });
  }
  return result;
}
