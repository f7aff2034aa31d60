import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTRIES } from '../../tools/provision.js';
import { REPO_ROOT } from '../support/run-action.js';

describe('npm run tools on a warm cache', () => {
  it('obtains nothing again and reports every tool at its pinned version', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'tools/provision.ts')],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    expect(out).not.toMatch(/building from the Go module proxy|official release, sha256 verified/);
    for (const entry of ENTRIES) {
      const line = out.split('\n').find((l) => l.startsWith(`${entry.link} `));
      expect(line, entry.link).toBeDefined();
      expect(line).toContain(entry.version.replace(/^v/, ''));
      expect(line).not.toContain('FAILED');
    }
  });
});
