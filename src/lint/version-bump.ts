// Change detection as chart-testing does it: when files under the chart
// changed since the base ref (git diff base...HEAD), Chart.yaml's version
// must be a greater semver than the base's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import semver from 'semver';
import { runCommand } from '../exec/command.js';

export interface VersionBumpResult {
  status: 'pass' | 'fail';
  message: string;
  /** Files under the chart that changed, relative to the repository root. */
  changed: string[];
  baseVersion?: string;
  headVersion?: string;
}

async function git(cwd: string, args: string[]) {
  return runCommand('git', args, { cwd, allowFailure: true });
}

function versionOf(text: string): string | undefined {
  const doc = parse(text) as { version?: unknown } | undefined;
  return doc?.version === undefined ? undefined : String(doc.version);
}

export async function checkVersionBump(
  chartDir: string,
  baseRef: string,
): Promise<VersionBumpResult> {
  const diff = await git(chartDir, [
    'diff',
    '--find-renames',
    '--name-only',
    `${baseRef}...HEAD`,
    '--',
    '.',
  ]);
  if (diff.code !== 0) {
    throw new Error(`git diff ${baseRef}...HEAD failed: ${diff.stderr.trim()}`);
  }
  const changed = diff.stdout.split('\n').filter(Boolean);
  const chart = path.basename(chartDir);
  if (!changed.length) {
    return { status: 'pass', message: `no changes under ${chart}/ since ${baseRef}`, changed };
  }
  const headVersion = versionOf(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'));
  const base = await git(chartDir, ['show', `${baseRef}:./Chart.yaml`]);
  if (base.code !== 0) {
    return {
      status: 'pass',
      message: `new chart: ${chart} is not in ${baseRef}`,
      changed,
      ...(headVersion ? { headVersion } : {}),
    };
  }
  const baseVersion = versionOf(base.stdout);
  const files = `${changed.length} file(s) changed under ${chart}/ since ${baseRef}`;
  if (!headVersion || !semver.valid(headVersion)) {
    return {
      status: 'fail',
      message: `${files}, and Chart.yaml version ${JSON.stringify(headVersion ?? '')} is not a semver`,
      changed,
      ...(baseVersion ? { baseVersion } : {}),
    };
  }
  if (baseVersion && semver.valid(baseVersion) && !semver.gt(headVersion, baseVersion)) {
    return {
      status: 'fail',
      message: `${files} (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', ...' : ''}) but Chart.yaml version ${headVersion} is not greater than ${baseVersion} in ${baseRef}: bump it`,
      changed,
      baseVersion,
      headVersion,
    };
  }
  return {
    status: 'pass',
    message: `${files}; version bumped ${baseVersion ?? '(none)'} -> ${headVersion}`,
    changed,
    headVersion,
    ...(baseVersion ? { baseVersion } : {}),
  };
}
