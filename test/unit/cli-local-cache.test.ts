import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheRoot, clusterDir, useLocalToolCache } from '../../src/cli/local-cache.js';

describe('local tool cache of hotswap-ci setup', () => {
  it('lives under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cacheRoot({ HOME: '/home/u', XDG_CACHE_HOME: '/x' })).toBe('/x/hotswap-ci');
    expect(cacheRoot({ HOME: '/home/u', XDG_CACHE_HOME: '' })).toBe('/home/u/.cache/hotswap-ci');
    expect(clusterDir('dev', { HOME: '/home/u' })).toBe('/home/u/.cache/hotswap-ci/clusters/dev');
  });

  it('fills in only the runner variables that are unset, and says so', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'local-cache-'));
    const env: NodeJS.ProcessEnv = { HOME: home, RUNNER_TEMP: '/runner/temp' };
    const lines: string[] = [];
    useLocalToolCache((l) => lines.push(l), env);
    const cache = path.join(home, '.cache', 'hotswap-ci', 'tool-cache');
    expect(env.RUNNER_TOOL_CACHE).toBe(cache);
    expect(env.RUNNER_TEMP).toBe('/runner/temp');
    expect(existsSync(cache)).toBe(true);
    expect(lines).toEqual([`RUNNER_TOOL_CACHE is not set: using ${cache}`]);
  });
});
