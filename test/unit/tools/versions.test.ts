import { describe, expect, test } from 'vitest';
import { InputError } from '../../../src/inputs/errors.js';
import { fixtureReleases } from '../../support/github-releases.js';
import { parseVersionSpec, pickVersion, specRange } from '../../../src/tools/versions.js';

const helmTags = fixtureReleases('helm/helm')
  .filter((r) => !r.draft && !r.prerelease)
  .map((r) => r.tag_name);

describe('parseVersionSpec', () => {
  test.each([
    ['4', { kind: 'range', major: 4, minor: undefined, text: '4' }],
    ['v4', { kind: 'range', major: 4, minor: undefined, text: '4' }],
    ['4.3', { kind: 'range', major: 4, minor: 3, text: '4.3' }],
    ['latest', { kind: 'latest' }],
    ['LATEST', { kind: 'latest' }],
    ['v4.3.1', { kind: 'exact', version: 'v4.3.1' }],
    ['4.3.1', { kind: 'exact', version: 'v4.3.1' }],
    [' v3.22.0 ', { kind: 'exact', version: 'v3.22.0' }],
    ['v4.0.0-rc.1', { kind: 'exact', version: 'v4.0.0-rc.1' }],
  ])('%j', (raw, spec) => {
    expect(parseVersionSpec('helm-version', raw, { minMajor: 3 })).toEqual(spec);
  });

  test.each(
    ['', 'four', '4.x', '^4', '4.3.1.2', 'v', '2', '2.17.0', 'v4.3.1 ', '4..3'].filter(
      (v) => v !== 'v4.3.1 ',
    ),
  )('rejects %j naming the input', (raw) => {
    expect(() => parseVersionSpec('helm-version', raw, { minMajor: 3 })).toThrow(InputError);
    expect(() => parseVersionSpec('helm-version', raw, { minMajor: 3 })).toThrow(
      `Invalid input 'helm-version': ${JSON.stringify(raw)}. Expected 'latest', a major version ('3')`,
    );
  });

  test('exact-only inputs reject ranges', () => {
    expect(() => parseVersionSpec('kwok-version', '0.8', { allowRanges: false })).toThrow(
      "Invalid input 'kwok-version': \"0.8\". Expected an exact version such as 'v1.2.3'.",
    );
    expect(() => parseVersionSpec('kwok-version', 'latest', { allowRanges: false })).toThrow(
      InputError,
    );
  });
});

describe('pickVersion over the helm/helm release list', () => {
  test.each([
    ['4', 'v4.3.1'],
    ['3', 'v3.22.0'],
    ['4.2', 'v4.2.2'],
    ['4.0', 'v4.0.5'],
    ['3.19', 'v3.19.5'],
    // Only on the second page of the API's answer.
    ['3.5', 'v3.5.4'],
    ['3.10', 'v3.10.0'],
    ['latest', 'v4.3.1'],
  ])('%s -> %s', (raw, expected) => {
    expect(pickVersion(parseVersionSpec('helm-version', raw), helmTags)).toBe(expected);
  });

  test('pre-releases and drafts are never picked by a range', () => {
    const tags = ['v4.4.0-rc.1', 'v4.3.1', 'v5.0.0-beta.1'];
    expect(pickVersion({ kind: 'latest' }, tags)).toBe('v4.3.1');
    expect(pickVersion(parseVersionSpec('v', '5'), tags)).toBeUndefined();
  });

  test('the newest by semver wins, not the first listed', () => {
    // A 3.x patch released after 4.0 is listed first but is not the latest.
    expect(pickVersion({ kind: 'latest' }, ['v3.22.0', 'v4.0.0', 'v3.21.9'])).toBe('v4.0.0');
    expect(pickVersion(parseVersionSpec('v', '3'), ['v3.9.9', 'v3.10.0'])).toBe('v3.10.0');
  });

  test('tags that are not versions are ignored; a tag without v is returned with one', () => {
    expect(pickVersion({ kind: 'latest' }, ['nightly', 'chart-1.2.3', '0.33.0'])).toBe('v0.33.0');
    expect(pickVersion(parseVersionSpec('v', '7'), helmTags)).toBeUndefined();
  });

  test('exact versions pass through without looking at the list', () => {
    expect(pickVersion({ kind: 'exact', version: 'v9.9.9' }, [])).toBe('v9.9.9');
  });

  test('ranges', () => {
    expect(specRange(parseVersionSpec('v', '4'))).toBe('4.x');
    expect(specRange(parseVersionSpec('v', '4.3'))).toBe('4.3.x');
    expect(specRange({ kind: 'latest' })).toBe('*');
  });
});
