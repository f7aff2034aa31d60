// Version resolution with the network mocked at fetch: the GitHub releases
// API (paginated through Link headers) and dl.k8s.io's stable markers.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { LookupError, nextLink } from '../../../src/tools/lookup.js';
import { NoMatchingVersionError, resolveToolVersion } from '../../../src/tools/resolve.js';
import { parseVersionSpec } from '../../../src/tools/versions.js';
import { fixtureReleases, type Release } from '../../support/github-releases.js';

const API = 'https://api.example.test';
const K8S = 'https://dl.example.test';
const sources = { github: { apiUrl: API, token: 'tok-123' }, kubernetesBase: K8S };

let calls: { url: string; headers: Record<string, string> }[];

/** Answers like the real endpoints: releases in pages of per_page, stable markers as text. */
function fakeNetwork(releases: Record<string, Release[]>, stable: Record<string, string>) {
  return vi.fn(async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    calls.push({ url: url.href, headers: (init?.headers ?? {}) as Record<string, string> });
    const repo = /^\/repos\/(.+)\/releases$/.exec(url.pathname)?.[1];
    if (url.origin === API && repo && releases[repo]) {
      const perPage = Number(url.searchParams.get('per_page'));
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = releases[repo]!;
      const headers = new Headers({ 'content-type': 'application/json' });
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.set('link', `<${next.href}>; rel="next", <${next.href}>; rel="last"`);
      }
      return new Response(JSON.stringify(all.slice((page - 1) * perPage, page * perPage)), {
        headers,
      });
    }
    const marker = url.origin === K8S ? stable[url.pathname] : undefined;
    if (marker !== undefined) return new Response(marker);
    return new Response('{"message":"Not Found"}', { status: 404 });
  });
}

beforeEach(() => {
  calls = [];
  vi.stubGlobal(
    'fetch',
    fakeNetwork(
      {
        'helm/helm': fixtureReleases('helm/helm'),
        'kubernetes-sigs/kind': fixtureReleases('kubernetes-sigs/kind'),
      },
      {
        '/release/stable.txt': 'v1.36.3\n',
        '/release/stable-1.35.txt': 'v1.35.7\n',
        '/release/stable-1.99.txt': '<html>oops</html>',
      },
    ),
  );
});
afterEach(() => vi.unstubAllGlobals());

const spec = (raw: string) => parseVersionSpec('x', raw);
const stableHelm = fixtureReleases('helm/helm').filter((r) => !r.draft && !r.prerelease).length;

describe('helm from the GitHub releases of helm/helm', () => {
  test("'4' is the newest stable 4.x; drafts and release candidates are skipped", async () => {
    expect(await resolveToolVersion('helm', spec('4'), sources)).toEqual({
      version: 'v4.3.1',
      requested: '4',
      source: `${API}/repos/helm/helm/releases`,
    });
  });

  test("'3.5' is found on the second page; every page carries the token", async () => {
    expect((await resolveToolVersion('helm', spec('3.5'), sources)).version).toBe('v3.5.4');
    expect(calls.map((c) => c.url)).toEqual([
      `${API}/repos/helm/helm/releases?per_page=100`,
      `${API}/repos/helm/helm/releases?per_page=100&page=2`,
    ]);
    for (const c of calls) expect(c.headers.authorization).toBe('Bearer tok-123');
  });

  test('no token, no authorization header', async () => {
    await resolveToolVersion('helm', spec('latest'), { ...sources, github: { apiUrl: API } });
    expect(calls[0]!.headers.authorization).toBeUndefined();
  });

  test('an exact version makes no request', async () => {
    expect(await resolveToolVersion('helm', spec('v3.22.0'), sources)).toEqual({
      version: 'v3.22.0',
      requested: 'v3.22.0',
      source: 'exact',
    });
    expect(calls).toEqual([]);
  });

  test('a line with no release is an error naming what was asked and where it looked', async () => {
    const error = await resolveToolVersion('helm', spec('4.9'), sources).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoMatchingVersionError);
    expect((error as Error).message).toBe(
      `no stable helm release matches '4.9' among the ${stableHelm} stable releases listed at ${API}/repos/helm/helm/releases`,
    );
  });

  test('an API error is a LookupError with the URL, the status and the API message, never a fallback', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{"message":"Bad credentials"}', { status: 401 })),
    );
    await expect(resolveToolVersion('helm', spec('4'), sources)).rejects.toThrow(
      `version look-up failed: GET ${API}/repos/helm/helm/releases?per_page=100: HTTP 401 Bad credentials`,
    );
  });

  test('a network failure names its cause', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed', {
          cause: new Error('getaddrinfo ENOTFOUND api.example.test'),
        });
      }),
    );
    const error = await resolveToolVersion('helm', spec('4'), sources).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LookupError);
    expect((error as Error).message).toBe(
      `version look-up failed: GET ${API}/repos/helm/helm/releases?per_page=100: getaddrinfo ENOTFOUND api.example.test`,
    );
  });

  test('a body that is not a release list is an error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{"releases":[]}')),
    );
    await expect(resolveToolVersion('helm', spec('4'), sources)).rejects.toThrow(
      'the response is not a JSON list of releases',
    );
  });
});

describe('kind from the GitHub releases of kubernetes-sigs/kind', () => {
  test.each([
    ['latest', 'v0.33.0'],
    ['0', 'v0.33.0'],
    ['0.31', 'v0.31.1'],
  ])('%s -> %s', async (raw, version) => {
    expect((await resolveToolVersion('kind', spec(raw), sources)).version).toBe(version);
  });
});

describe('kubectl from the stable markers', () => {
  test("'latest' reads release/stable.txt", async () => {
    expect(await resolveToolVersion('kubectl', spec('latest'), sources)).toEqual({
      version: 'v1.36.3',
      requested: 'latest',
      source: `${K8S}/release/stable.txt`,
    });
  });

  test("'1.35' reads release/stable-1.35.txt", async () => {
    expect((await resolveToolVersion('kubectl', spec('1.35'), sources)).version).toBe('v1.35.7');
  });

  test("'1' reads stable.txt and checks the major", async () => {
    expect((await resolveToolVersion('kubectl', spec('1'), sources)).version).toBe('v1.36.3');
    await expect(resolveToolVersion('kubectl', spec('2'), sources)).rejects.toThrow(
      NoMatchingVersionError,
    );
  });

  test('a marker that is not a version is an error naming the URL', async () => {
    await expect(resolveToolVersion('kubectl', spec('1.99'), sources)).rejects.toThrow(
      `version look-up failed: GET ${K8S}/release/stable-1.99.txt: expected a version such as v1.36.3, got "<html>oops</html>"`,
    );
  });

  test('a missing marker is an error with the status', async () => {
    await expect(resolveToolVersion('kubectl', spec('1.12'), sources)).rejects.toThrow(
      `GET ${K8S}/release/stable-1.12.txt: HTTP 404 Not Found`,
    );
  });
});

test('nextLink reads rel="next" out of a Link header', () => {
  expect(nextLink('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"')).toBe(
    'https://a/x?page=2',
  );
  expect(nextLink('<https://a/x?page=1>; rel="prev"')).toBeUndefined();
  expect(nextLink(null)).toBeUndefined();
});
