// `kubectl port-forward` to a Service, for the length of a smoke test.
// kubectl picks the free local ports itself (`:<remote>` binds port 0), which
// avoids the race of choosing a port here and binding it there; the forward
// is ready when kubectl has printed a "Forwarding from" line for every port,
// and kept alive until stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand, type CommandResult } from '../exec/command.js';
import { kubeFlags, type KubeTarget } from './kube-target.js';

export interface PortForwardOptions {
  kube: KubeTarget;
  namespace: string;
  /** `service/<name>`, `pod/<name>` or `deployment/<name>`. */
  resource: string;
  remotePorts: readonly number[];
  /** Give up when kubectl has not forwarded every port by then. */
  readyTimeoutMs: number;
  /** kubectl's output lines, for the log. */
  onLine?: (line: string) => void;
}

export interface PortForward {
  /** Local port on 127.0.0.1 for each remote port. */
  localPorts: ReadonlyMap<number, number>;
  /** Stops kubectl and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

const FORWARDING = /^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/;

/**
 * kubectl's arguments. A bare remote port lets kubectl pick the local one
 * (`:8080`); `local:remote` pins it, for a restart.
 */
export function portForwardArgs(
  options: Omit<PortForwardOptions, 'remotePorts'> & { remotePorts: readonly (number | string)[] },
): string[] {
  const ports = [...new Set(options.remotePorts)].map((port) =>
    typeof port === 'number' ? `:${port}` : port,
  );
  return [
    'port-forward',
    '--namespace',
    options.namespace,
    options.resource,
    ...ports,
    '--address',
    '127.0.0.1',
    '--pod-running-timeout',
    `${Math.max(Math.ceil(options.readyTimeoutMs / 1000), 1)}s`,
    ...kubeFlags(options.kube),
  ];
}

export async function startPortForward(options: PortForwardOptions): Promise<PortForward> {
  const wanted = [...new Set(options.remotePorts)];
  const what = `kubectl port-forward ${options.resource} in namespace ${options.namespace}`;
  const controller = new AbortController();
  let output = '';
  const onLine = (line: string) => {
    output += `${line}\n`;
    options.onLine?.(line);
  };

  const first = launch(options, portForwardArgs(options), controller.signal, onLine);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    first.ready.then(() => 'ready' as const),
    first.run.then(
      (result) => result,
      (error: unknown) => error as Error,
    ),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.readyTimeoutMs);
    }),
  ]);
  clearTimeout(timer);

  if (outcome !== 'ready') {
    controller.abort();
    await first.run.catch(() => undefined);
    if (outcome === 'timeout')
      throw new Error(
        `${what} did not forward ports ${wanted.join(', ')} within ${options.readyTimeoutMs / 1000}s${output ? `: ${output.trim()}` : ''}`,
      );
    if (outcome instanceof Error) throw new Error(`${what} could not start: ${outcome.message}`);
    throw new Error(`${what} exited with code ${outcome.code}${lastLines(outcome)}`);
  }

  // kubectl forwards to the one pod it picked at start and exits when a
  // connection to it breaks (the pod went away in a rollout, or the kubelet
  // refused the stream). It is started again on the same local ports, so the
  // URLs the checks hold stay valid and their retries reach a live pod.
  const localPorts = first.localPorts;
  const pinned = portForwardArgs({
    ...options,
    remotePorts: wanted.map((port) => `${localPorts.get(port)}:${port}`),
  });
  let current = first.run;
  const keepAlive = (async () => {
    for (let restarts = 0; ; restarts++) {
      const result = await current.catch((error: unknown) => error as Error);
      if (controller.signal.aborted) return;
      const why = result instanceof Error ? result.message : `code ${result.code}`;
      onLine(`${what} exited (${why}); starting it again on the same local ports`);
      const delay = Math.min(RESTART_DELAY_MS * 2 ** restarts, MAX_RESTART_DELAY_MS);
      await sleep(delay, undefined, { signal: controller.signal }).catch(() => undefined);
      if (controller.signal.aborted) return;
      current = launch(options, pinned, controller.signal, onLine).run;
    }
  })();

  return {
    localPorts,
    stop: async () => {
      controller.abort();
      await current.catch(() => undefined);
      await keepAlive;
    },
  };
}

/**
 * Pause before starting kubectl again, doubled at each restart: a pod that
 * keeps crashing (or a port taken meanwhile) must not fill the log.
 */
const RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 4_000;

/** One kubectl process; `ready` resolves once it forwards every wanted port. */
function launch(
  options: PortForwardOptions,
  args: string[],
  signal: AbortSignal,
  onLine: (line: string) => void,
): { run: Promise<CommandResult>; ready: Promise<void>; localPorts: Map<number, number> } {
  const order = [...new Set(options.remotePorts)];
  const localPorts = new Map<number, number>();
  let forwarded = 0;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const run = runCommand(options.kube.kubectl, args, {
    allowFailure: true,
    signal,
    onLine: (line) => {
      onLine(line);
      // kubectl names the container port it resolved (a Service's port 80 can
      // be the pod's 8080), in the order the ports were asked for.
      const match = FORWARDING.exec(line);
      const remote = match ? order[forwarded++] : undefined;
      if (match && remote !== undefined) localPorts.set(remote, Number(match[1]));
      if (order.every((port) => localPorts.has(port))) markReady();
    },
  });
  return { run, ready, localPorts };
}

function lastLines(result: CommandResult): string {
  const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join(' ');
  return detail ? `: ${detail}` : '';
}
