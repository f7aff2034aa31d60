// What a user may ask for as a tool version, and how a request is matched
// against a list of published releases. Pure: the look-ups live in lookup.ts.
import semver from 'semver';
import { InputError } from '../inputs/errors.js';

/**
 * `exact`: a full version, passed through untouched (with its leading `v`).
 * `range`: `4` or `4.3`, the newest stable release in that line.
 * `latest`: the newest stable release.
 */
export type VersionSpec =
  | { kind: 'exact'; version: string }
  | { kind: 'range'; major: number; minor?: number; text: string }
  | { kind: 'latest' };

const EXACT = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;
const PARTIAL = /^v?(\d+)(?:\.(\d+))?$/;

export interface SpecRules {
  /** Whether `latest`, `4` and `4.3` are allowed (a look-up is needed), or only exact versions. */
  allowRanges?: boolean;
  /** Lowest major version accepted (helm: 3). */
  minMajor?: number;
}

/** Parses a version input; throws an InputError naming the input for anything else. */
export function parseVersionSpec(input: string, raw: string, rules: SpecRules = {}): VersionSpec {
  const { allowRanges = true, minMajor = 0 } = rules;
  const value = raw.trim();
  const expected = allowRanges
    ? `'latest', a major version ('${Math.max(minMajor, 1)}'), a minor version ('${Math.max(minMajor, 1)}.2') or an exact version ('v${Math.max(minMajor, 1)}.2.3')`
    : `an exact version such as 'v${Math.max(minMajor, 1)}.2.3'`;
  const exact = EXACT.exec(value);
  if (exact) {
    if (Number(exact[1]) < minMajor) throw new InputError(input, raw, expected);
    return { kind: 'exact', version: value.startsWith('v') ? value : `v${value}` };
  }
  if (allowRanges && value.toLowerCase() === 'latest') return { kind: 'latest' };
  const partial = PARTIAL.exec(value);
  if (allowRanges && partial) {
    const major = Number(partial[1]);
    if (major < minMajor) throw new InputError(input, raw, expected);
    const minor = partial[2] === undefined ? undefined : Number(partial[2]);
    return { kind: 'range', major, minor, text: value.replace(/^v/, '') };
  }
  throw new InputError(input, raw, expected);
}

/** The semver range a spec stands for (`4.x`, `4.3.x`, `*`). */
export function specRange(spec: VersionSpec): string {
  switch (spec.kind) {
    case 'exact':
      return spec.version.replace(/^v/, '');
    case 'latest':
      return '*';
    case 'range':
      return spec.minor === undefined ? `${spec.major}.x` : `${spec.major}.${spec.minor}.x`;
  }
}

/**
 * The newest stable tag satisfying `spec`, returned as published (`v4.3.1`).
 * Pre-releases are never picked by a range; tags that are not semver are ignored.
 */
export function pickVersion(spec: VersionSpec, tags: readonly string[]): string | undefined {
  if (spec.kind === 'exact') return spec.version;
  const range = specRange(spec);
  let best: { tag: string; version: string } | undefined;
  for (const tag of tags) {
    const version = semver.valid(tag.trim().replace(/^v/, ''));
    if (!version || semver.prerelease(version)) continue;
    if (!semver.satisfies(version, range)) continue;
    if (!best || semver.gt(version, best.version)) best = { tag: tag.trim(), version };
  }
  return best && (best.tag.startsWith('v') ? best.tag : `v${best.tag}`);
}

/** Describes a spec the way a user wrote it, for messages. */
export function describeSpec(spec: VersionSpec): string {
  switch (spec.kind) {
    case 'exact':
      return spec.version;
    case 'latest':
      return 'latest';
    case 'range':
      return spec.text;
  }
}

/** The major version of an exact version string (`v4.3.1` -> 4). */
export function majorOf(version: string): number {
  const m = /^v?(\d+)\./.exec(version);
  if (!m) throw new Error(`not a version: ${version}`);
  return Number(m[1]);
}
