// A chart repository on loopback, as `helm repo index` lays one out: the given
// charts packaged by real helm, served over http with an index.yaml, and with
// `auth` only to a client that sends those basic-auth credentials.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Helm } from '../../src/helm/helm.js';
import { toolPath } from './tools.js';

export interface ChartRepository {
  /** `http://127.0.0.1:<port>/charts` */
  url: string;
  /** A directory of the repository's own, for a test's helm config. */
  dir: string;
  /** The paths requested so far, in order. */
  requests: string[];
  close: () => Promise<void>;
}

export async function serveChartRepository(
  charts: string[],
  auth?: { username: string; password: string },
): Promise<ChartRepository> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-repo-'));
  const served = path.join(dir, 'served');
  const helm = new Helm({ bin: toolPath('helm'), major: 4 });
  for (const chart of charts) await helm.run(['package', chart, '--destination', served]);
  const expected = auth
    ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
    : undefined;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const pathname = new URL(req.url!, 'http://x').pathname;
    requests.push(pathname);
    if (expected && req.headers.authorization !== expected)
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end();
    const file = path.join(served, path.basename(pathname));
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
  await helm.run(['repo', 'index', served, '--url', url]);
  return {
    url,
    dir,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
