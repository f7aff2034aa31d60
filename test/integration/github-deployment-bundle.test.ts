// Deploy's GitHub deployment code, bundled as `npm run build` bundles the
// actions (Octokit and its proxy-aware fetch in a lazy chunk), against a
// loopback server standing in for a GitHub Enterprise API (GITHUB_API_URL),
// directly and through an HTTP proxy (HTTP_PROXY, tunnelled with CONNECT).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { bundleAction } from '../../scripts/build.mjs';
import { REPO_ROOT } from '../support/run-action.js';
import { tempDir } from '../support/temp-dir.js';

interface Seen {
  method?: string;
  url?: string;
  host?: string;
  authorization?: string;
  body: Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

describe('GitHub deployment in the bundle', () => {
  let dist: string;
  let api: Server;
  let proxy: Server;
  let apiPort: number;
  let proxyPort: number;
  const seen: Seen[] = [];
  const tunnels: string[] = [];

  beforeAll(async () => {
    dist = path.join(tempDir('gh-deployment-'), 'dist');
    await bundleAction(path.join(REPO_ROOT, 'test/fixtures/github-deployment/index.ts'), dist);
    api = createServer((req, res) => {
      void readBody(req).then((body) => {
        const { method, url } = req;
        const { host, authorization } = req.headers;
        seen.push({ method, url, host, authorization, body });
        const created = url?.endsWith('/deployments');
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(created ? { id: 7 } : { id: 1, state: body.state }));
      });
    });
    // A forward proxy that sends every tunnel to the API server, whatever host it names.
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, socket) => {
      tunnels.push(req.url ?? '');
      const upstream = connect(apiPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket).pipe(upstream);
      });
    });
    [apiPort, proxyPort] = await Promise.all([listen(api), listen(proxy)]);
  }, 120_000);

  beforeEach(() => {
    seen.length = 0;
    tunnels.length = 0;
  });

  afterAll(async () => {
    proxy.closeAllConnections();
    api.closeAllConnections();
    await Promise.all([api, proxy].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  // Asynchronously: the servers answering it run in this process.
  const record = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, [path.join(dist, 'index.js')], {
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        FIXTURE_TOKEN: 'ghs_fixture',
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_REPOSITORY: 'hotswap/app',
        GITHUB_SHA: 'abc123',
        GITHUB_RUN_ID: '42',
        ...env,
      },
    });

  function expectDeploymentRecorded(): void {
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v3/repos/hotswap/app/deployments',
      'POST /api/v3/repos/hotswap/app/deployments/7/statuses',
      'POST /api/v3/repos/hotswap/app/deployments/7/statuses',
    ]);
    expect(seen.every((s) => s.authorization === 'token ghs_fixture')).toBe(true);
    expect(seen[0]?.body).toMatchObject({ ref: 'abc123', environment: 'staging' });
    expect(seen[1]?.body).toMatchObject({ state: 'in_progress' });
    expect(seen[2]?.body).toMatchObject({
      state: 'success',
      environment_url: 'https://staging.example',
      log_url: 'https://github.example/hotswap/app/actions/runs/42',
    });
  }

  it('keeps Octokit in a chunk of its own, out of the entry', () => {
    const chunks = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'index.js');
    expect(chunks.some((f) => f.startsWith('github-deployment-'))).toBe(true);
  });

  it('creates the deployment and its status under GITHUB_API_URL with the token', async () => {
    const run = await record({ GITHUB_API_URL: `http://127.0.0.1:${apiPort}/api/v3` });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({ id: 7 });
    expectDeploymentRecorded();
    expect(tunnels).toEqual([]);
  });

  it('goes through HTTP_PROXY when one is set: a CONNECT tunnel to the API host', async () => {
    const run = await record({
      GITHUB_API_URL: 'http://ghe.example.invalid/api/v3',
      HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({ id: 7 });
    expectDeploymentRecorded();
    expect(seen.every((s) => s.host === 'ghe.example.invalid')).toBe(true);
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels)).toEqual(new Set(['ghe.example.invalid:80']));
  });
});
