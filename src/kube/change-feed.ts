// Wakes a polling loop when the objects it reads change, so a rollout that
// becomes ready is seen within one read rather than up to a poll interval
// later. One `kubectl get <type> --watch-only -o name` per namespace and type:
// its lines are only a signal, the loop still reads the whole state itself.
// A watch that cannot start or ends (RBAC without `watch`, a dropped
// connection) changes nothing but the latency: polling goes on as before.
// Each watch asks the API server to end it after `timeoutMs`, so one that a
// kubectl wrapper script orphans on stop() cannot outlive the rollout.
import { cancellableSleep } from '../exec/signals.js';
import type { Kubectl } from './kubectl.js';

export interface ChangeFeed {
  /** Call as a read begins: changes before this point are covered by that read. */
  reading(): void;
  /**
   * Resolves after `ms`, or as soon as something changed since the last
   * `reading()`, but never sooner than `minGapMs` after it.
   */
  wait(ms: number): Promise<void>;
  /** Stops the watches and waits for their processes to exit. */
  stop(): Promise<void>;
}

/** Kinds whose changes are worth an early read; the rest wait for the next poll. */
const SIGNAL_TYPES = new Set([
  'pods',
  'deployments.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'jobs.batch',
]);

export function watchChanges(
  kubectl: Kubectl,
  watched: ReadonlyMap<string, readonly string[]>,
  options: { timeoutMs: number; minGapMs?: number; now?: () => number },
): ChangeFeed {
  const now = options.now ?? Date.now;
  const minGapMs = options.minGapMs ?? 150;
  const controller = new AbortController();
  const requestTimeout = `--request-timeout=${Math.ceil(options.timeoutMs / 1000)}s`;
  let changed = false;
  let readStartedAt = now();
  let wake: AbortController | undefined;

  const runs: Promise<unknown>[] = [];
  for (const [namespace, types] of watched) {
    for (const type of types.filter((t) => SIGNAL_TYPES.has(t))) {
      const run = kubectl
        .run(['get', type, '-n', namespace, '--watch-only', '-o', 'name', requestTimeout], {
          allowFailure: true,
          timeoutMs: options.timeoutMs + 5_000,
          signal: controller.signal,
          onLine: (_line, stream) => {
            if (stream !== 'stdout') return;
            changed = true;
            wake?.abort();
          },
        })
        .catch(() => undefined);
      runs.push(run);
    }
  }

  return {
    reading() {
      changed = false;
      readStartedAt = now();
    },
    async wait(ms) {
      if (!changed) {
        wake = new AbortController();
        await cancellableSleep(ms, wake.signal);
        wake = undefined;
      }
      const gap = minGapMs - (now() - readStartedAt);
      if (gap > 0) await cancellableSleep(gap);
    },
    async stop() {
      controller.abort();
      await Promise.all(runs);
    },
  };
}
