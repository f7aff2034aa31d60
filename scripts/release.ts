// `npm run release -- [--dry-run] [--push] [--repository <owner>/<repo>] [--notes-file <f>] X.Y.Z`
//
// Checks that the tree is clean, the tag is new, CHANGELOG.md has notes for
// the version and actions/*/dist is what `npm run build` makes of src/; then
// creates the release commits (workflows pinned to their actions by SHA, see
// scripts/release/pin.ts), tags vX.Y.Z and moves vX (not for a prerelease), and
// with --push pushes the tags. --dry-run stops before anything is written and
// prints the tags and the notes. HOTSWAP_RELEASE_ACTIONS=deploy,lint limits
// the dist check to those bundles (a quick local look; the release workflow
// checks them all).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../src/exec/command.js';
import {
  createReleaseCommits,
  planRelease,
  tagRelease,
  uncommitted,
  type ReleasePlan,
} from './release/release.js';
import { REPOSITORY, repositoryFromRemote } from './release/repository.js';

interface Args {
  version: string;
  dryRun: boolean;
  push: boolean;
  repository?: string;
  notesFile?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> = { dryRun: false, push: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dry-run') args.dryRun = true;
    else if (a === '--push') args.push = true;
    else if (a === '--repository') args.repository = argv[++i];
    else if (a === '--notes-file') args.notesFile = argv[++i];
    else if (a.startsWith('-')) throw new Error(`unknown option '${a}'`);
    else if (args.version) throw new Error(`a second version '${a}'; expected one X.Y.Z`);
    else args.version = a;
  }
  if (!args.version) throw new Error('no version given; expected npm run release -- X.Y.Z');
  return args as Args;
}

const git = async (root: string, args: string[], allowFailure = false) =>
  runCommand('git', args, { cwd: root, allowFailure });

async function repositoryOf(root: string, given?: string): Promise<string> {
  if (given) return given;
  if (process.env.GITHUB_REPOSITORY) return process.env.GITHUB_REPOSITORY;
  const remote = await git(root, ['remote', 'get-url', 'origin'], true);
  return (remote.code === 0 && repositoryFromRemote(remote.stdout)) || REPOSITORY;
}

/** Rebuilds the bundles and refuses when any of them differs from the committed one. */
async function checkDist(root: string): Promise<void> {
  const only = (process.env.HOTSWAP_RELEASE_ACTIONS ?? '').split(',').filter(Boolean);
  console.log(`Rebuilding ${only.length ? only.join(', ') : 'every action bundle'} ...`);
  await runCommand(process.execPath, ['scripts/build.mjs', ...only], {
    cwd: root,
    timeoutMs: 30 * 60_000,
  });
  const stale = (await uncommitted(root)).filter((l) => / actions\/[^/]+\/dist\//.test(l));
  if (stale.length > 0)
    throw new Error(
      `actions/*/dist is stale: npm run build changed\n  ${stale.join('\n  ')}\n` +
        'Commit the rebuilt bundles, then release again.',
    );
}

function describe(plan: ReleasePlan, dryRun: boolean, commit?: string): string {
  const verb = dryRun ? 'would create' : 'created';
  const where = commit ? ` -> ${commit}` : ' -> a release commit on HEAD';
  const lines = plan.tags.map((t, i) => `  ${t}${where}${i > 0 ? ' (moved)' : ''}`);
  return [
    `Release v${plan.version} of ${plan.repository}: ${verb} tags`,
    ...lines,
    '',
    'Notes:',
    plan.notes,
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const root = (await git(process.cwd(), ['rev-parse', '--show-toplevel'])).stdout.trim();
  const dirty = await uncommitted(root);
  if (dirty.length > 0)
    throw new Error(`the working tree has uncommitted changes:\n  ${dirty.join('\n  ')}`);
  const plan = planRelease(root, args.version, await repositoryOf(root, args.repository));
  const exact = plan.tags[0]!;
  if ((await git(root, ['rev-parse', '-q', '--verify', `refs/tags/${exact}`], true)).code === 0)
    throw new Error(`tag ${exact} exists already; a released version never moves`);
  await checkDist(root);
  if (args.notesFile) writeFileSync(args.notesFile, `${plan.notes}\n`);
  if (args.dryRun) {
    console.log(describe(plan, true));
    return;
  }
  const commits = await createReleaseCommits(root, plan);
  await tagRelease(root, plan, commits.release);
  console.log(describe(plan, false, commits.release));
  console.log(`Actions pinned at ${commits.actions}`);
  if (args.push) {
    await git(root, ['push', 'origin', `refs/tags/${exact}`]);
    for (const tag of plan.tags.slice(1))
      await git(root, ['push', '--force', 'origin', `refs/tags/${tag}`]);
    console.log(`Pushed ${plan.tags.join(', ')}`);
  }
}

if (path.resolve(process.argv[1] ?? '') === path.resolve(import.meta.filename)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
