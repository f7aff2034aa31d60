// The stand-in HotSwap API (stand-in/server.mjs) as a local server for the
// demo: started on free loopback ports, stopped by an abort (or with the run
// on Ctrl-C, as a tracked child).
import path from 'node:path';
import { runCommand } from '../../src/exec/command.js';

export interface LocalStandIn {
  port: number;
  metricsPort: number;
  stop(): Promise<void>;
}

export async function startLocalStandIn(
  root: string,
  log: (line: string) => void,
): Promise<LocalStandIn> {
  const server = path.join(root, 'stand-in', 'server.mjs');
  const abort = new AbortController();
  let resolveReady!: (ports: { port: number; metricsPort: number }) => void;
  const ready = new Promise<{ port: number; metricsPort: number }>(
    (resolve) => (resolveReady = resolve),
  );
  const running = runCommand(process.execPath, [server], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      APP_VERSION: '1.0.0',
    },
    signal: abort.signal,
    onLine: (line) => {
      try {
        const event = JSON.parse(line) as { msg?: string; port?: number; metricsPort?: number };
        if (event.msg === 'listening')
          resolveReady({ port: event.port!, metricsPort: event.metricsPort! });
      } catch {
        // not a JSON log line
      }
    },
  });
  const ended = running.then(
    () => undefined,
    (error: unknown) => error,
  );
  const started = await Promise.race([
    ready,
    ended.then((error) => {
      throw new Error(
        `the stand-in stopped before listening${error instanceof Error ? `: ${error.message}` : ''}`,
      );
    }),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the stand-in did not listen within 15s')), 15_000).unref(),
    ),
  ]).catch(async (error: unknown) => {
    abort.abort();
    await ended;
    throw error;
  });
  log(`stand-in HotSwap API on 127.0.0.1:${started.port} (metrics ${started.metricsPort})`);
  return {
    ...started,
    async stop() {
      abort.abort();
      await ended;
    },
  };
}
