// Release notes come from CHANGELOG.md (Keep a Changelog layout): the section
// under `## [X.Y.Z]` (or `## X.Y.Z`), up to the next `## ` heading.

/** The notes of one version; throws when the changelog has no section for it or it is empty. */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split('\n');
  const escaped = version.replace(/[.+-]/g, '\\$&');
  const heading = new RegExp(`^##\\s+\\[?v?${escaped}\\]?(\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start === -1)
    throw new Error(
      `CHANGELOG.md has no section for ${version}; expected a heading '## [${version}] - YYYY-MM-DD'`,
    );
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^##\s/.test(l));
  const body = (end === -1 ? rest : rest.slice(0, end))
    .join('\n')
    .replace(/^\[[^\]]+\]:\s.*$/gm, '')
    .trim();
  if (body === '') throw new Error(`CHANGELOG.md's section for ${version} is empty`);
  return body;
}
