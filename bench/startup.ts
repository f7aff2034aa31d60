// Start-up of each action on valid inputs: from spawning node on the bundle
// (as the runner does) to the action's first external call. helm, kubectl
// and curl are shims first on PATH that record the time they were called
// and fail; setup calls no tool before it downloads one, so its first call
// is its first request to the (loopback) mirror. Median of 5 runs each.
//
//   npx tsx bench/startup.ts            (uses the built bundles: npm run build first)
//
// The shim is a shell script: its own start (a few ms) is inside the number.
// The peer is node alone spawning helm as its first statement: what no
// action can go below.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PINNED } from '../src/tools/pinned.js';
import { actionNode, REPO_ROOT, runAction } from '../test/support/run-action.js';
import { useActionRuntime } from './lib/action-runtime.js';
import { recordRows, row, type BenchRow } from './lib/rows.js';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
export const STARTUP_ACTIONS = ['setup', 'lint', 'deploy', 'smoke-test', 'rollback'] as const;

const now = () => performance.timeOrigin + performance.now();

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A directory with helm, kubectl and curl shims that append `<tool> <epoch ns>` to `log`. */
function shims(log: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-startup-'));
  for (const tool of ['helm', 'kubectl', 'curl']) {
    const file = path.join(dir, tool);
    writeFileSync(file, `#!/bin/sh\necho "${tool} $(date +%s%N)" >> '${log}'\nexit 1\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

/** Epoch ms of the first recorded call, or undefined when no tool was called. */
function firstCall(log: string): { tool: string; at: number } | undefined {
  let text: string;
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return undefined;
  }
  const calls = text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [tool, ns] = line.split(' ');
      return { tool: tool!, at: Number(BigInt(ns!) / 1000n) / 1000 };
    });
  return calls.sort((a, b) => a.at - b.at)[0];
}

function validInputs(action: string, work: string, mirror: string): Record<string, string> {
  const kubeconfig = path.join(work, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n',
  );
  switch (action) {
    case 'setup':
      return {
        'helm-version': PINNED.helm4,
        'helm-mirror': mirror,
        'kubectl-version': PINNED.kubectl,
        'kubectl-mirror': mirror,
      };
    case 'lint':
      return { environments: 'dev', 'ci-values': 'false', 'kubernetes-versions': '1.36' };
    case 'deploy':
      return {
        release: 'hs',
        chart: 'chart/hotswap',
        namespace: 'hotswap',
        environment: 'staging',
        'values-files': 'chart/environments/staging.yaml',
        kubeconfig,
      };
    case 'smoke-test':
      return { target: 'url', url: 'http://127.0.0.1:9' };
    case 'rollback':
      return { release: 'hs', namespace: 'hotswap', kubeconfig };
    default:
      throw new Error(`no valid inputs for ${action}`);
  }
}

/** The peer: node itself, spawning helm as its first and only statement. */
export const NODE_ALONE = 'node';

function runNodeAlone(bin: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      actionNode(),
      ['-e', "require('node:child_process').spawnSync('helm', ['version'])"],
      { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
}

/**
 * Each run's ms from spawn to the first call, in run order. `actionsDir`
 * (BENCH_ACTIONS_DIR) measures another build of the actions, e.g. of the
 * base branch.
 */
export async function startupTimes(
  action: string,
  runs = RUNS,
  actionsDir = process.env.BENCH_ACTIONS_DIR,
): Promise<number[]> {
  useActionRuntime();
  let firstRequest: number | undefined;
  const server = createServer((_req, res) => {
    firstRequest ??= now();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const work = mkdtempSync(path.join(tmpdir(), 'bench-startup-run-'));
      const log = path.join(work, 'calls.log');
      const bin = shims(log);
      firstRequest = undefined;
      const started = now();
      let output = '';
      if (action === NODE_ALONE) await runNodeAlone(bin);
      else {
        const inputs = validInputs(action, work, mirror);
        const run = await runAction(actionsDir ? path.join(actionsDir, action) : action, {
          workspace: REPO_ROOT,
          inputs,
          env: { PATH: `${bin}:${process.env.PATH}` },
          timeoutMs: 120_000,
        });
        output = `${run.stdout}\n${run.stderr}`;
      }
      const first = action === 'setup' ? firstRequest : firstCall(log)?.at;
      if (first === undefined)
        throw new Error(`${action} made no tool call or request:\n${output}`);
      times.push(first - started);
    }
  } finally {
    server.close();
  }
  return times;
}

/** Per action, its runs alternate with node alone's, so both see the same load. */
export async function startupRows(runs = RUNS): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const action of STARTUP_ACTIONS) {
    const ours: number[] = [];
    const peer: number[] = [];
    for (let i = 0; i < runs; i++) {
      peer.push(...(await startupTimes(NODE_ALONE, 1)));
      ours.push(...(await startupTimes(action, 1)));
    }
    const to = action === 'setup' ? 'first mirror request' : 'first helm/kubectl/curl call';
    const [o, p] = [median(ours), median(peer)];
    console.log(
      `actions/${action}: ${o.toFixed(0)} ms to its ${to}; node alone ${p.toFixed(0)} ms (medians of ${runs})`,
    );
    rows.push(
      row(
        `start-up: actions/${action} to its ${to} (peer: node spawning helm at once)`,
        o,
        p,
        runs,
      ),
    );
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  recordRows(...(await startupRows()));
}
