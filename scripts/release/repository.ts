// The one name of this repository, as callers write it in `uses:` lines, and
// the major tag the documentation tells them to pin.
export const REPOSITORY = 'hotswap/delivery-actions';
export const MAJOR_TAG = 'v1';

/**
 * `owner/repo` from a git remote URL on a server (https://host/owner/repo,
 * ssh://git@host/owner/repo, git@host:owner/repo); undefined for a local path.
 */
export function repositoryFromRemote(url: string): string | undefined {
  const m =
    /^(?:[a-z][a-z0-9+.-]*:\/\/[^/]+\/|[^@/\s]+@[^:/\s]+:)([A-Za-z0-9][\w.-]*)\/([\w.-]+?)(?:\.git)?\/?$/.exec(
      url.trim(),
    );
  return m ? `${m[1]}/${m[2]}` : undefined;
}
