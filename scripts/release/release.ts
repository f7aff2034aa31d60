// A release of the delivery actions: release commits on top of HEAD whose
// reusable workflows pin their actions (and nested workflows) by full SHA, a
// `vX.Y.Z` tag on the last of them and, for a final version, the major tag
// `vX` moved to it. The commits are built with git plumbing on a private
// index, so the working tree and the branch stay as they are: the release
// commits are reachable through the tags only.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { runCommand } from '../../src/exec/command.js';
import { releaseNotes } from './changelog.js';
import { isReusable, pinActions, pinWorkflowCalls } from './pin.js';

export const WORKFLOWS_DIR = '.github/workflows';

export interface ReleasePlan {
  version: string;
  /** Tags to create or move, the exact version first. */
  tags: string[];
  notes: string;
  repository: string;
}

/** The tags of a version: `vX.Y.Z`, plus `vX` for a final (non-prerelease) version. */
export function releaseTags(version: string): string[] {
  const v = semver.parse(version);
  if (!v || v.build.length > 0)
    throw new Error(`version is '${version}'; expected a semantic version X.Y.Z[-pre]`);
  return v.prerelease.length > 0 ? [`v${v.version}`] : [`v${v.version}`, `v${v.major}`];
}

export function planRelease(root: string, version: string, repository: string): ReleasePlan {
  const tags = releaseTags(version);
  const notes = releaseNotes(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), version);
  return { version: semver.parse(version)!.version, tags, notes, repository };
}

const git = async (root: string, args: string[], env?: NodeJS.ProcessEnv) =>
  (await runCommand('git', args, { cwd: root, env: { ...process.env, ...env } })).stdout.trim();

/** Working-tree changes (tracked or untracked, not ignored) as `git status --porcelain` lines. */
export async function uncommitted(root: string): Promise<string[]> {
  const status = await runCommand('git', ['status', '--porcelain', '--untracked-files=normal'], {
    cwd: root,
  });
  return status.stdout.split('\n').filter(Boolean);
}

/**
 * One commit on `parent` whose reusable workflows went through `rewrite`;
 * undefined when nothing changed.
 */
async function rewriteCommit(
  root: string,
  parent: string,
  message: string,
  rewrite: (text: string, file: string) => { text: string; count: number },
): Promise<string | undefined> {
  const index = path.join(tmpdir(), `hotswap-release-index-${process.pid}-${Date.now()}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await git(root, ['read-tree', parent], env);
    const files = (await git(root, ['ls-tree', '--name-only', `${parent}:${WORKFLOWS_DIR}`]))
      .split('\n')
      .filter((f) => /\.ya?ml$/.test(f));
    let changed = 0;
    for (const name of files) {
      const file = `${WORKFLOWS_DIR}/${name}`;
      const text = await git(root, ['show', `${parent}:${file}`]);
      if (!isReusable(text)) continue;
      const out = rewrite(text, file);
      if (out.count === 0) continue;
      changed += out.count;
      const blob = (
        await runCommand('git', ['hash-object', '-w', '--stdin', '--path', file], {
          cwd: root,
          input: `${out.text}\n`,
        })
      ).stdout.trim();
      await git(root, ['update-index', '--cacheinfo', `100644,${blob},${file}`], env);
    }
    if (changed === 0) return undefined;
    const tree = await git(root, ['write-tree'], env);
    return await git(root, ['commit-tree', tree, '-p', parent, '-m', message]);
  } finally {
    rmSync(index, { force: true });
  }
}

export interface ReleaseCommits {
  /** The commit whose actions the release runs (HEAD when the release started). */
  actions: string;
  /** The commit the tags point to. */
  release: string;
}

/**
 * Builds the release commits on HEAD: the first pins `./actions/<name>` to
 * HEAD (whose actions are the release's: only workflow files differ after
 * it), the second pins nested `./.github/workflows/...` calls to the first.
 */
export async function createReleaseCommits(
  root: string,
  plan: Pick<ReleasePlan, 'version' | 'repository'>,
): Promise<ReleaseCommits> {
  const head = await git(root, ['rev-parse', 'HEAD']);
  const pinned = await rewriteCommit(
    root,
    head,
    `Release v${plan.version}: the workflows run the actions of ${head.slice(0, 12)}`,
    (text) => pinActions(text, plan.repository, head),
  );
  if (!pinned) throw new Error(`no reusable workflow under ${WORKFLOWS_DIR} uses ./actions`);
  const nested = await rewriteCommit(
    root,
    pinned,
    `Release v${plan.version}: nested workflow calls pinned to ${pinned.slice(0, 12)}`,
    (text) => pinWorkflowCalls(text, plan.repository, pinned),
  );
  return { actions: head, release: nested ?? pinned };
}

/** Creates the tags (annotated, with the notes), moving the major tag; returns them. */
export async function tagRelease(
  root: string,
  plan: ReleasePlan,
  commit: string,
): Promise<string[]> {
  const [exact, ...moving] = plan.tags;
  // The exact tag never moves: an existing one fails the release.
  await runCommand('git', ['tag', '--annotate', '--cleanup=verbatim', '--file=-', exact!, commit], {
    cwd: root,
    input: `v${plan.version}\n\n${plan.notes}\n`,
  });
  for (const tag of moving)
    await runCommand(
      'git',
      ['tag', '--force', '--annotate', '--cleanup=verbatim', '--file=-', tag, commit],
      {
        cwd: root,
        input: `${tag}: v${plan.version}\n`,
      },
    );
  return plan.tags;
}
