// Network look-ups behind version resolution: the GitHub releases API (helm,
// kind) and dl.k8s.io's stable markers (kubectl). A look-up that fails throws
// a LookupError naming the URL and the reason; there is deliberately no
// fallback to a pinned version, because a silently older tool is worse than a
// red step.
import { redact } from '../secrets/redact.js';

export class LookupError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(redact(`version look-up failed: GET ${url}: ${reason}`));
    this.name = 'LookupError';
  }
}

export interface GitHubApi {
  /** e.g. https://api.github.com, or a loopback server in tests. */
  apiUrl: string;
  /** Raises the rate limit; sent only to apiUrl. */
  token?: string;
  /** Pages of 100 releases read at most (helm has about 300 releases). */
  maxPages?: number;
  timeoutMs?: number;
}

const USER_AGENT = 'hotswap-setup-action';

/** Why a fetch threw, in words a user can act on (`connect ECONNREFUSED 127.0.0.1:9`). */
function fetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  if (error.name === 'TimeoutError') return 'timed out';
  return error.message;
}

async function get(url: string, headers: Record<string, string>, timeoutMs: number) {
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    throw new LookupError(url, fetchFailure(error));
  }
  const body = await res.text().catch((error: unknown) => {
    throw new LookupError(url, `reading the response failed: ${fetchFailure(error)}`);
  });
  if (!res.ok) {
    let detail = body.trim().slice(0, 200);
    try {
      detail = (JSON.parse(body) as { message?: string }).message ?? detail;
    } catch {
      // not JSON: keep the text
    }
    const hint =
      res.status === 403 || res.status === 429
        ? ' (rate limited? pass a token, or pin an exact version)'
        : '';
    throw new LookupError(url, `HTTP ${res.status}${detail ? ` ${detail}` : ''}${hint}`);
  }
  return { res, body };
}

interface Release {
  tag_name?: unknown;
  draft?: unknown;
  prerelease?: unknown;
}

/**
 * Tags of the published, non-draft, non-prerelease releases of `owner/name`,
 * newest first as the API returns them. Follows the `Link: rel="next"` header.
 */
export async function githubReleaseTags(repo: string, api: GitHubApi): Promise<string[]> {
  const { maxPages = 10, timeoutMs = 30_000 } = api;
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': USER_AGENT,
  };
  if (api.token) headers.authorization = `Bearer ${api.token}`;
  const tags: string[] = [];
  let url: string | undefined =
    `${api.apiUrl.replace(/\/+$/, '')}/repos/${repo}/releases?per_page=100`;
  for (let page = 0; url && page < maxPages; page++) {
    const { res, body } = await get(url, headers, timeoutMs);
    let releases: Release[];
    try {
      releases = JSON.parse(body) as Release[];
      if (!Array.isArray(releases)) throw new Error('not a list');
    } catch {
      throw new LookupError(url, 'the response is not a JSON list of releases');
    }
    for (const r of releases) {
      if (typeof r.tag_name === 'string' && r.draft !== true && r.prerelease !== true)
        tags.push(r.tag_name);
    }
    url = nextLink(res.headers.get('link'));
  }
  return tags;
}

/** The `rel="next"` target of a GitHub `Link` header. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The current stable Kubernetes release from `<base>/release/stable.txt`, or
 * the newest patch of a minor line from `stable-<major>.<minor>.txt`.
 */
export async function kubernetesStable(
  base: string,
  line?: { major: number; minor: number },
  timeoutMs = 30_000,
): Promise<{ version: string; url: string }> {
  const marker = line ? `stable-${line.major}.${line.minor}.txt` : 'stable.txt';
  const url = `${base.replace(/\/+$/, '')}/release/${marker}`;
  const { body } = await get(url, { 'user-agent': USER_AGENT }, timeoutMs);
  const version = body.trim();
  if (!/^v\d+\.\d+\.\d+$/.test(version))
    throw new LookupError(
      url,
      `expected a version such as v1.36.3, got ${JSON.stringify(version.slice(0, 40))}`,
    );
  return { version, url };
}
