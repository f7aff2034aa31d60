// A loopback proxy in front of the tools mirror that streams chosen paths
// slowly, so a test can interrupt a download while it is in flight.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottledProxy {
  url: string;
  close(): Promise<void>;
}

export async function startThrottledProxy(
  upstream: string,
  slow: (urlPath: string) => boolean,
  bytesPerSecond = 256 * 1024,
): Promise<ThrottledProxy> {
  const server = createServer((req, res) => {
    const up = request(`${upstream}${req.url}`, { method: req.method }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      if (!slow(new URL(req.url ?? '/', 'http://x').pathname)) {
        upRes.pipe(res);
        return;
      }
      // 1/10 s worth of bytes per tick.
      const chunk = Math.max(1, Math.floor(bytesPerSecond / 10));
      let pending = Buffer.alloc(0);
      let ended = false;
      upRes.on('data', (d: Buffer) => {
        pending = Buffer.concat([pending, d]);
        if (pending.length > 4 * chunk) upRes.pause();
      });
      upRes.on('end', () => (ended = true));
      const timer = setInterval(() => {
        const part = pending.subarray(0, chunk);
        pending = pending.subarray(part.length);
        if (part.length) res.write(part);
        upRes.resume();
        if (ended && pending.length === 0) {
          clearInterval(timer);
          res.end();
        }
      }, 100);
      res.on('close', () => clearInterval(timer));
    });
    up.on('error', () => res.writeHead(502).end());
    up.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
