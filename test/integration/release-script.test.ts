// `npm run release` on a snapshot of this checkout: what it refuses (changes
// not committed, a tag that exists, a stale dist) and what a dry run prints;
// then the release commits and tags themselves.
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseNotes } from '../../scripts/release/changelog.js';
import { createReleaseCommits, planRelease, tagRelease } from '../../scripts/release/release.js';
import { git, snapshotRepository } from '../support/repo-snapshot.js';
import { REPO_ROOT } from '../support/run-action.js';

const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');

/** The release script run in `dir`, rebuilding only the rollback bundle (the quick check). */
function release(dir: string, ...args: string[]) {
  const r = spawnSync(tsx, [path.join(dir, 'scripts/release.ts'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, HOTSWAP_RELEASE_ACTIONS: 'rollback', GITHUB_REPOSITORY: '' },
    timeout: 600_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run release', () => {
  let dir: string;
  beforeAll(() => {
    dir = snapshotRepository('release-script-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses uncommitted changes, before building anything', () => {
    appendFileSync(path.join(dir, 'README.md'), '\nchanged\n');
    const r = release(dir, '--dry-run', '1.0.0');
    git(dir, 'checkout', '--', 'README.md');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'release: the working tree has uncommitted changes:\n   M README.md',
    );
    expect(r.stdout).not.toContain('Rebuilding');
  });

  it('refuses a version CHANGELOG.md has no notes for', () => {
    const r = release(dir, '--dry-run', '9.9.9');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CHANGELOG.md has no section for 9.9.9');
  });

  it('--dry-run on a clean tree prints the tags and the notes, and creates nothing', () => {
    const r = release(dir, '--dry-run', '1.0.0');
    expect(r.code, r.stderr).toBe(0);
    const notes = releaseNotes(readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8'), '1.0.0');
    expect(r.stdout).toContain(
      [
        'Release v1.0.0 of hotswap/delivery-actions: would create tags',
        '  v1.0.0 -> a release commit on HEAD',
        '  v1 -> a release commit on HEAD (moved)',
        '',
        'Notes:',
        notes,
      ].join('\n'),
    );
    expect(git(dir, 'tag')).toBe('');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('refuses a stale dist and names the bundle', () => {
    // A source change the committed bundle does not have.
    appendFileSync(
      path.join(dir, 'src/actions/rollback.ts'),
      "\nconsole.log('rollback: a change not yet bundled');\n",
    );
    git(dir, 'commit', '--quiet', '--all', '-m', 'Change the rollback entry, not its bundle');
    const r = release(dir, '--dry-run', '1.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('release: actions/*/dist is stale: npm run build changed');
    expect(r.stderr).toContain('actions/rollback/dist/action.js');
    expect(git(dir, 'tag')).toBe('');
  });

  it('tags a release commit whose workflows pin the actions of HEAD; the branch stays', () => {
    git(dir, 'checkout', '--quiet', '--', '.');
    const head = git(dir, 'rev-parse', 'HEAD');
    const plan = planRelease(dir, '1.0.0', 'acme/delivery-actions');
    return createReleaseCommits(dir, plan).then(async (commits) => {
      expect(commits.actions).toBe(head);
      await tagRelease(dir, plan, commits.release);
      expect(git(dir, 'rev-parse', 'v1.0.0^{commit}')).toBe(commits.release);
      expect(git(dir, 'rev-parse', 'v1^{commit}')).toBe(commits.release);
      expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
      expect(git(dir, 'tag', '-l', '--format=%(contents)', 'v1.0.0')).toContain(plan.notes);
      // Only workflow files differ from HEAD: the actions are HEAD's.
      expect(git(dir, 'diff', '--name-only', head, commits.release).split('\n').sort()).toEqual([
        '.github/workflows/chart-validation.yml',
        '.github/workflows/deploy.yml',
        '.github/workflows/promote.yml',
      ]);
      const deploy = git(dir, 'show', `${commits.release}:.github/workflows/deploy.yml`);
      expect(deploy).toContain(`uses: acme/delivery-actions/actions/deploy@${head}`);
      expect(deploy).toContain(`HOTSWAP_ACTIONS: acme/delivery-actions@${head}`);
      expect(deploy).not.toMatch(/uses: \.\//);
      const promote = git(dir, 'show', `${commits.release}:.github/workflows/promote.yml`);
      expect(promote).toContain(
        `uses: acme/delivery-actions/.github/workflows/deploy.yml@${git(dir, 'rev-parse', `${commits.release}^`)}`,
      );
      // A released version never moves.
      const again = release(dir, '--dry-run', '1.0.0');
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('tag v1.0.0 exists already');
    });
  });
});
