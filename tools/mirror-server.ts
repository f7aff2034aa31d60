// A tiny static HTTP server on loopback that serves the tools mirror (the
// official URL layout, see src/tools/releases.ts) so that the installer's real
// download path runs in tests. It can be told to fail a path a number of times,
// and it records every request.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface MirrorServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Request paths in arrival order. */
  requests: string[];
  /** Answer the next `times` requests for `urlPath` with `status` (500 by default). */
  fail(urlPath: string, times: number, status?: number): void;
  close(): Promise<void>;
}

export async function startMirror(root: string): Promise<MirrorServer> {
  const requests: string[] = [];
  const faults = new Map<string, { times: number; status: number }>();
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(urlPath);
    const fault = faults.get(urlPath);
    if (fault && fault.times > 0) {
      fault.times--;
      res.writeHead(fault.status).end(`injected failure ${fault.status}`);
      return;
    }
    const file = path.join(root, path.normalize(urlPath).replace(/^(\.\.[/\\])+/, ''));
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail(urlPath, times, status = 500) {
      faults.set(urlPath, { times, status });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
