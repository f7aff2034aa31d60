// A Job whose pods have restartPolicy Never retries a failed attempt in a
// new pod, with a back-off that doubles each time (10 s, 20 s, 40 s...),
// until backoffLimit (6 by default) gives up: minutes, often more than the
// deploy's timeout. Its pods never crash-loop (each exits once and ends
// Failed), so the crash-loop rule never sees them. The same threshold is
// applied to the attempts instead: with crash-loop-restarts N, the Job fails
// the rollout at its N+1-th failed attempt in a row, as a container is called
// at its N+1-th exit. An attempt that failed and was followed by one that
// succeeded is not counted. Pure.
import { terminationText } from './container-exit.js';
import type { KubeObject } from './kubectl.js';
import { condition, jobFinished, ref, type RolloutFailure } from './workload-rules.js';

/** The index of an Indexed Job's pod: each index is retried on its own. */
const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

interface Terminated {
  exitCode?: number;
  reason?: string;
  finishedAt?: string;
}

interface Attempt {
  pod: KubeObject;
  failed: boolean;
  /** When it ended (ISO time, whole seconds): attempts are ordered by it. */
  endedAt: string;
  /** The container that exited non-zero, on a failed attempt. */
  exit?: { container: string } & Terminated;
}

function terminatedContainers(pod: KubeObject): ({ name: string } & Terminated)[] {
  const statuses = [
    ...((pod.status?.initContainerStatuses as unknown[] | undefined) ?? []),
    ...((pod.status?.containerStatuses as unknown[] | undefined) ?? []),
  ] as { name: string; state?: { terminated?: Terminated } }[];
  return statuses.flatMap((c) =>
    c.state?.terminated ? [{ name: c.name, ...c.state.terminated }] : [],
  );
}

/**
 * A finished attempt: Succeeded, or Failed because a container exited
 * non-zero. A pod evicted or preempted (DisruptionTarget) is not the
 * revision's fault and is not counted.
 */
function attemptOf(pod: KubeObject): Attempt | undefined {
  const phase = pod.status?.phase as string | undefined;
  if (pod.metadata.deletionTimestamp || (phase !== 'Succeeded' && phase !== 'Failed')) return;
  const containers = terminatedContainers(pod);
  const latest = containers
    .map((c) => c.finishedAt ?? '')
    .sort()
    .at(-1);
  const endedAt = latest || pod.metadata.creationTimestamp || '';
  if (phase === 'Succeeded') return { pod, failed: false, endedAt };
  if (condition(pod, 'DisruptionTarget')?.status === 'True') return;
  const exit = containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0);
  return exit ? { pod, failed: true, endedAt, exit: { container: exit.name, ...exit } } : undefined;
}

/** The failed attempts since the group's last success (an attempt ending in the same second is not after it). */
function failedInARow(attempts: readonly Attempt[]): Attempt[] {
  const lastSuccess = attempts
    .filter((a) => !a.failed)
    .map((a) => a.endedAt)
    .sort()
    .at(-1);
  return attempts
    .filter((a) => a.failed && (lastSuccess === undefined || a.endedAt > lastSuccess))
    .sort((a, b) => a.endedAt.localeCompare(b.endedAt));
}

/**
 * The failure of a Job still retrying whose pods (restartPolicy Never) failed
 * more than `crashLoopRestarts` times in a row, for the Job as a whole or for
 * one index of an Indexed Job. None once the Job completed or failed (its
 * conditions say so, see jobRule), nor for pods the kubelet restarts in place
 * (restartPolicy OnFailure: the crash-loop rule judges their containers).
 */
export function repeatedJobFailure(
  job: KubeObject,
  pods: readonly KubeObject[],
  crashLoopRestarts: number,
): RolloutFailure | undefined {
  if (jobFinished(job) || job.spec?.template?.spec?.restartPolicy !== 'Never') return undefined;
  const groups = new Map<string, Attempt[]>();
  for (const pod of pods) {
    const attempt = attemptOf(pod);
    if (!attempt) continue;
    const index = pod.metadata.annotations?.[COMPLETION_INDEX] ?? '';
    groups.set(index, [...(groups.get(index) ?? []), attempt]);
  }
  for (const [index, attempts] of groups) {
    const failed = failedInARow(attempts);
    if (failed.length <= crashLoopRestarts) continue;
    const last = failed.at(-1)!;
    const exit = last.exit!;
    const limit = job.spec?.backoffLimit;
    const retries =
      typeof limit === 'number' ? `; the Job would retry up to backoffLimit ${limit}` : '';
    return {
      object: ref(job),
      reason: 'JobAttemptsFailing',
      message:
        `${failed.length} pods${index ? ` of index ${index}` : ''} failed in a row (restartPolicy Never), ` +
        `the last, ${last.pod.metadata.name}, with container ${exit.container} ${terminationText(exit, 'Error')}${retries}`,
    };
  }
  return undefined;
}
