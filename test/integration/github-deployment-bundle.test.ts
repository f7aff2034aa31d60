// Deploy's GitHub deployment code, bundled as `npm run build` bundles the
// actions (Octokit and its proxy-aware fetch in a lazy chunk), against a
// loopback server standing in for a GitHub Enterprise API (GITHUB_API_URL).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { bundleAction } from '../../scripts/build.mjs';
import { REPO_ROOT } from '../support/run-action.js';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body: Record<string, unknown>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

describe('GitHub deployment in the bundle', () => {
  let dist: string;
  let server: Server;
  let apiUrl: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    dist = path.join(mkdtempSync(path.join(tmpdir(), 'gh-deployment-')), 'dist');
    await bundleAction(path.join(REPO_ROOT, 'test/fixtures/github-deployment/index.ts'), dist);
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        seen.push({
          method: req.method,
          url: req.url,
          authorization: req.headers.authorization,
          body,
        });
        const created = req.url?.endsWith('/deployments');
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(created ? { id: 7 } : { id: 1, state: body.state }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
  }, 120_000);

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps Octokit in a chunk of its own, out of the entry', () => {
    const chunks = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'index.js');
    expect(chunks.some((f) => f.startsWith('github-deployment-'))).toBe(true);
  });

  it('creates the deployment and its status under GITHUB_API_URL with the token', async () => {
    // Asynchronously: the server answering it runs in this process.
    const run = await promisify(execFile)(process.execPath, [path.join(dist, 'index.js')], {
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        FIXTURE_TOKEN: 'ghs_fixture',
        GITHUB_API_URL: apiUrl,
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_REPOSITORY: 'hotswap/app',
        GITHUB_SHA: 'abc123',
        GITHUB_RUN_ID: '42',
      },
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({ id: 7 });
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
  });
});
