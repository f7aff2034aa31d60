// `kubectl port-forward` to a release deployed on the kwok cluster reaches a
// server on this machine: the API server opens the stream to the "kubelet"
// (kwok), whose ClusterPortForward sends it to 127.0.0.1:<port>. This is how
// smoke tests exercise a kwok-deployed release with real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardPodsToLocal } from '../../scripts/demo/kwok-port-forward.js';
import { Helm } from '../../src/helm/helm.js';
import { CHART_DIR, ENVIRONMENTS_DIR } from '../support/chart.js';
import { toolPath } from '../support/tools.js';
import { createNamespace, deleteNamespace, kubeconfig, kubectlJson } from './support.js';

let ns: string;
let server: Server;
let helmHome: string;
const seen: string[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/health') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ok', served: 'locally' }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ns = await createNamespace('port-forward');
  helmHome = await mkdtemp(path.join(tmpdir(), 'hotswap-e2e-helm-'));
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  if (ns) await deleteNamespace(ns);
  if (helmHome) await rm(helmHome, { recursive: true, force: true });
  server?.close();
});

/** Starts `kubectl port-forward <target> :<remote>` and resolves with the local port it chose. */
function portForward(target: string, remote: number): Promise<number> {
  const child: ChildProcess = spawn(
    toolPath('kubectl'),
    ['--kubeconfig', kubeconfig(), '-n', ns, 'port-forward', target, `:${remote}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cleanups.push(() => {
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`port-forward did not start: ${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`port-forward exited with ${code}: ${output}`)));
  });
}

describe('port-forward to a kwok-deployed release', () => {
  it('svc/<release>-hotswap:80 reaches the local stand-in server', async () => {
    const helm = new Helm({
      bin: toolPath('helm'),
      major: 4,
      kubeconfig: kubeconfig(),
      env: {
        HELM_CACHE_HOME: path.join(helmHome, 'cache'),
        HELM_CONFIG_HOME: path.join(helmHome, 'config'),
        HELM_DATA_HOME: path.join(helmHome, 'data'),
      },
    });
    await helm.run([
      'upgrade',
      '--install',
      'smoke',
      CHART_DIR,
      '-n',
      ns,
      '-f',
      path.join(ENVIRONMENTS_DIR, 'dev.yaml'),
      '--wait',
      '--timeout',
      '3m',
    ]);
    const { port } = server.address() as AddressInfo;
    cleanups.push(
      await forwardPodsToLocal({
        kubectl: toolPath('kubectl'),
        kubeconfig: kubeconfig(),
        namespace: ns,
        ports: [{ localPort: port }],
      }),
    );
    const forwards = await kubectlJson<{ items: { metadata: { name: string } }[] }>([
      'get',
      'clusterportforwards',
    ]);
    expect(forwards.items.map((f) => f.metadata.name)).toContain(`local-${ns}`);

    const local = await portForward('svc/smoke-hotswap', 80);
    const response = await fetch(`http://127.0.0.1:${local}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', served: 'locally' });
    expect(seen).toContain('/health');
  });
});
