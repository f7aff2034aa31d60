import { appendFileSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  helmVersionOf,
  recordedHelmVersion,
  recordHelmVersion,
} from '../../../src/helm/version-record.js';

function binary(): { bin: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(path.join(tmpdir(), 'helm-record-'));
  const bin = path.join(dir, 'helm');
  writeFileSync(bin, 'a helm binary', { mode: 0o755 });
  return { bin, env: { RUNNER_TEMP: path.join(dir, 'temp') } };
}

describe('the recorded helm version', () => {
  it('is found for the same file, also through a link to it', () => {
    const { bin, env } = binary();
    expect(recordedHelmVersion(bin, env)).toBeUndefined();
    recordHelmVersion(bin, 'v4.3.1', env);
    expect(recordedHelmVersion(bin, env)).toBe('v4.3.1');
    const link = `${bin}-link`;
    symlinkSync(bin, link);
    expect(recordedHelmVersion(link, env)).toBe('v4.3.1');
  });

  it('no longer counts once the file changed', () => {
    const { bin, env } = binary();
    recordHelmVersion(bin, 'v4.3.1', env);
    appendFileSync(bin, ' replaced');
    expect(recordedHelmVersion(bin, env)).toBeUndefined();
  });

  it('is neither written nor read outside a runner (no RUNNER_TEMP)', () => {
    const { bin } = binary();
    recordHelmVersion(bin, 'v4.3.1', {});
    expect(recordedHelmVersion(bin, {})).toBeUndefined();
  });

  it('saves asking helm a second time in the same job', async () => {
    const { bin, env } = binary();
    const saved = process.env.RUNNER_TEMP;
    process.env.RUNNER_TEMP = env.RUNNER_TEMP;
    try {
      let asked = 0;
      const ask = async () => `v4.3.${++asked}`;
      expect(await helmVersionOf(bin, ask)).toBe('v4.3.1');
      expect(await helmVersionOf(bin, ask)).toBe('v4.3.1');
      expect(asked).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.RUNNER_TEMP;
      else process.env.RUNNER_TEMP = saved;
    }
  });
});
