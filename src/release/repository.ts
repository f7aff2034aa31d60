// The one name of this repository, as callers write it in `uses:` lines, and
// the major tag the documentation tells them to pin.
export const REPOSITORY = 'hotswap/delivery-actions';
export const MAJOR_TAG = 'v1';

/** `owner/repo` from a git remote URL (https, ssh or scp-like), if it looks like one. */
export function repositoryFromRemote(url: string): string | undefined {
  const m = /[/:]([A-Za-z0-9][\w.-]*)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}
