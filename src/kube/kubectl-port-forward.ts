// `kubectl port-forward` to a Service, for the length of a smoke test.
// kubectl picks the free local ports itself (`:<remote>` binds port 0), which
// avoids the race of choosing a port here and binding it there; the forward
// is ready when kubectl has printed a "Forwarding from" line for every port.
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
  /** kubectl's output so far (it reports broken connections there). */
  output(): string;
  /** True once kubectl has exited on its own. */
  exited(): boolean;
  /** Stops kubectl and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

const FORWARDING = /^Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/;

export function portForwardArgs(options: PortForwardOptions): string[] {
  const ports = [...new Set(options.remotePorts)].map((port) => `:${port}`);
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
  const wanted = new Set(options.remotePorts);
  const order = [...wanted];
  let forwarded = 0;
  const localPorts = new Map<number, number>();
  const controller = new AbortController();
  let output = '';
  let hasExited = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const run: Promise<CommandResult> = runCommand(options.kube.kubectl, portForwardArgs(options), {
    allowFailure: true,
    signal: controller.signal,
    onLine: (line) => {
      output += `${line}\n`;
      options.onLine?.(line);
      // kubectl names the container port it resolved (a Service's port 80 can
      // be the pod's 8080), in the order the ports were asked for.
      const match = FORWARDING.exec(line);
      const remote = match ? order[forwarded++] : undefined;
      if (match && remote !== undefined) localPorts.set(remote, Number(match[1]));
      if ([...wanted].every((port) => localPorts.has(port))) markReady();
    },
  }).finally(() => (hasExited = true));

  const stop = async () => {
    controller.abort();
    await run.catch(() => undefined);
  };

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    run.then(
      (result) => result,
      (error: unknown) => error as Error,
    ),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.readyTimeoutMs);
    }),
  ]);
  clearTimeout(timer);

  if (outcome !== 'ready') {
    await stop();
    const what = `kubectl port-forward ${options.resource} in namespace ${options.namespace}`;
    if (outcome === 'timeout')
      throw new Error(
        `${what} did not forward ports ${[...wanted].join(', ')} within ${options.readyTimeoutMs / 1000}s${output ? `: ${output.trim()}` : ''}`,
      );
    if (outcome instanceof Error) throw new Error(`${what} could not start: ${outcome.message}`);
    const detail = (outcome.stderr.trim() || outcome.stdout.trim()).split('\n').slice(-5).join(' ');
    throw new Error(`${what} exited with code ${outcome.code}${detail ? `: ${detail}` : ''}`);
  }

  return {
    localPorts,
    output: () => output,
    exited: () => hasExited,
    stop,
  };
}
