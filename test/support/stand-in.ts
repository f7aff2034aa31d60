// Runs the stand-in HotSwap API (stand-in/server.mjs) as its own process on
// loopback, on free ports unless told otherwise, and waits until it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './run-action.js';

export interface StandInOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  metricsPort?: number;
  /** The stand-in's switches (HEALTH_STATUS, FAIL_FIRST, HANG, ...). */
  env?: Record<string, string>;
}

export interface StandIn {
  port: number;
  metricsPort: number;
  /** http://127.0.0.1:<port> */
  url: string;
  metricsUrl: string;
  /** Request lines the server logged so far. */
  requests: { method: string; path: string; status: number }[];
  process: ChildProcess;
  stop(): Promise<void>;
}

export const STAND_IN_SERVER = path.join(REPO_ROOT, 'stand-in', 'server.mjs');

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const child = spawn(process.execPath, [STAND_IN_SERVER], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(options.port ?? 0),
      METRICS_PORT: String(options.metricsPort ?? 0),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const requests: StandIn['requests'] = [];
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const ports = await new Promise<{ port: number; metricsPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stand-in did not start: ${stderr}`)), 15_000);
    void exited.then(() => reject(new Error(`stand-in exited: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (event.msg === 'listening') {
        clearTimeout(timer);
        resolve({ port: event.port as number, metricsPort: event.metricsPort as number });
      } else if (event.msg === 'request') {
        requests.push(event as unknown as StandIn['requests'][number]);
      }
    });
  });

  return {
    ...ports,
    url: `http://127.0.0.1:${ports.port}`,
    metricsUrl: `http://127.0.0.1:${ports.metricsPort}`,
    requests,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
