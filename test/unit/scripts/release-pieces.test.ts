// The pure parts of a release: how the workflows are pinned, which tags a
// version gets, where the notes come from.
import { describe, expect, it } from 'vitest';
import { releaseNotes } from '../../../scripts/release/changelog.js';
import { isReusable, pinActions, pinWorkflowCalls } from '../../../scripts/release/pin.js';
import { releaseTags } from '../../../scripts/release/release.js';
import { repositoryFromRemote } from '../../../scripts/release/repository.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const WORKFLOW = `on:
  workflow_call:
env:
  HOTSWAP_ACTIONS: workspace
jobs:
  a:
    steps:
      - uses: actions/checkout@v5
      - name: Set up
        uses: ./actions/setup
      - uses: ./actions/deploy
  b:
    uses: ./.github/workflows/deploy.yml
`;

describe('pinning the workflows', () => {
  it('names every local action by repository and full SHA and sets the marker', () => {
    const pinned = pinActions(WORKFLOW, 'acme/delivery', SHA);
    expect(pinned.count).toBe(2);
    expect(pinned.text).toContain(`        uses: acme/delivery/actions/setup@${SHA}\n`);
    expect(pinned.text).toContain(`      - uses: acme/delivery/actions/deploy@${SHA}\n`);
    expect(pinned.text).toContain(`  HOTSWAP_ACTIONS: acme/delivery@${SHA}\n`);
    // Remote actions and nested workflow calls are left to their own step.
    expect(pinned.text).toContain('uses: actions/checkout@v5');
    expect(pinned.text).toContain('uses: ./.github/workflows/deploy.yml');
  });

  it('pins a nested workflow call', () => {
    const pinned = pinWorkflowCalls(WORKFLOW, 'acme/delivery', SHA);
    expect(pinned.count).toBe(1);
    expect(pinned.text).toContain(`    uses: acme/delivery/.github/workflows/deploy.yml@${SHA}\n`);
  });

  it('refuses a short SHA, a bad repository, and local actions without the marker', () => {
    expect(() => pinActions(WORKFLOW, 'acme/delivery', 'abc1234')).toThrow(
      "commit is 'abc1234'; expected a full 40-character SHA",
    );
    expect(() => pinActions(WORKFLOW, 'delivery', SHA)).toThrow(
      "repository is 'delivery'; expected <owner>/<repo>",
    );
    expect(() =>
      pinActions(WORKFLOW.replace('HOTSWAP_ACTIONS: workspace', ''), 'acme/delivery', SHA),
    ).toThrow('no `HOTSWAP_ACTIONS: workspace` env marker');
  });

  it('tells a reusable workflow from another', () => {
    expect(isReusable(WORKFLOW)).toBe(true);
    expect(isReusable('on:\n  push:\n')).toBe(false);
  });
});

describe('release tags', () => {
  it('a final version moves the major tag, a prerelease does not', () => {
    expect(releaseTags('1.2.3')).toEqual(['v1.2.3', 'v1']);
    expect(releaseTags('2.0.0-rc.1')).toEqual(['v2.0.0-rc.1']);
  });

  it('refuses what is not a semantic version', () => {
    expect(() => releaseTags('v1')).toThrow("version is 'v1'; expected a semantic version");
    expect(() => releaseTags('1.2.3+build.5')).toThrow('expected a semantic version');
  });
});

describe('release notes from CHANGELOG.md', () => {
  const changelog = `# Changelog

## [Unreleased]

## [1.1.0] - 2026-12-02

### Fixed

- A thing.

## [1.0.0] - 2026-12-01

- First.

[1.1.0]: https://example.com/compare/v1.0.0...v1.1.0
`;

  it('is the section of the version, up to the next one', () => {
    expect(releaseNotes(changelog, '1.1.0')).toBe('### Fixed\n\n- A thing.');
    expect(releaseNotes(changelog, '1.0.0')).toBe('- First.');
  });

  it('names the missing or empty section', () => {
    expect(() => releaseNotes(changelog, '2.0.0')).toThrow(
      "CHANGELOG.md has no section for 2.0.0; expected a heading '## [2.0.0] - YYYY-MM-DD'",
    );
    expect(() => releaseNotes(changelog, 'Unreleased')).toThrow('is empty');
  });
});

describe('the repository from a remote URL', () => {
  it.each([
    ['https://github.com/acme/delivery-actions.git', 'acme/delivery-actions'],
    ['git@github.example.com:acme/delivery-actions.git', 'acme/delivery-actions'],
    ['https://ghes.example.com/acme/delivery-actions', 'acme/delivery-actions'],
    ['/work/main', undefined],
    ['../delivery-actions', undefined],
  ])('%s', (url, repository) => expect(repositoryFromRemote(url)).toBe(repository));
});
