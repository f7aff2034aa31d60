// A stand-in for the GitHub releases API on loopback, for the setup action's
// version look-ups: `GET /repos/<owner>/<name>/releases?per_page=&page=` with
// the real API's pagination (`Link: <...>; rel="next"`), and a log of each
// request's path and Authorization header.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface Release {
  tag_name: string;
  draft: boolean;
  prerelease: boolean;
}

export interface ReleasesApi {
  url: string;
  requests: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

/** Release lists recorded in test/fixtures/github/<owner>__<name>.json (newest first, as the API returns them). */
export function fixtureReleases(repo: string): Release[] {
  const file = path.join(
    import.meta.dirname,
    '../fixtures/github',
    `${repo.replace('/', '__')}.json`,
  );
  return JSON.parse(readFileSync(file, 'utf8')) as Release[];
}

export async function startReleasesApi(
  repos: Record<string, Release[]>,
  { status }: { status?: number } = {},
): Promise<ReleasesApi> {
  const requests: ReleasesApi['requests'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({
      path: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
    });
    if (status) {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'API rate limit exceeded for 127.0.0.1.' }));
      return;
    }
    const m = /^\/repos\/([^/]+\/[^/]+)\/releases$/.exec(url.pathname);
    const releases = m ? repos[m[1]!] : undefined;
    if (!releases) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = releases.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (page * perPage < releases.length) {
      const next = new URL(url.href);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`;
    }
    res.writeHead(200, headers).end(JSON.stringify(slice));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
