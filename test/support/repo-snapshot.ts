// A git repository holding this checkout as it is now (tracked and new files,
// uncommitted changes included, ignored files left out, as act copies a
// workspace), committed once, with node_modules copied in: what a release or
// a caller's `uses: <owner>/<repo>/...@<ref>` sees of this repository.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './run-action.js';

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Release Test',
      GIT_AUTHOR_EMAIL: 'release-test@example.com',
      GIT_COMMITTER_NAME: 'Release Test',
      GIT_COMMITTER_EMAIL: 'release-test@example.com',
    },
  }).trim();

export function snapshotRepository(prefix = 'repo-snapshot-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const files = git(REPO_ROOT, 'ls-files', '--cached', '--others', '--exclude-standard', '-z')
    .split('\0')
    .filter((f) => f && existsSync(path.join(REPO_ROOT, f)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(REPO_ROOT, file), path.join(dir, file), { verbatimSymlinks: true });
  }
  // A real folder (hard links, instantly): the bundler follows a symlink to
  // its real path, so a linked node_modules would bundle from outside the snapshot.
  execFileSync('cp', ['-al', path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules')]);
  git(dir, 'init', '--quiet', '--initial-branch', 'main');
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'Snapshot of the checkout under test');
  return dir;
}
