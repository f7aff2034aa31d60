import { describe, expect, it } from 'vitest';
import { goMemoryLimitMiB, shortLivedGoEnv } from '../../../src/exec/go-runtime.js';

describe('shortLivedGoEnv', () => {
  it('turns off collection below a soft heap limit', () => {
    const env = shortLivedGoEnv({ PATH: '/bin' });
    expect(env.PATH).toBe('/bin');
    expect(env.GOGC).toBe('off');
    expect(env.GOMEMLIMIT).toMatch(/^\d+MiB$/);
  });

  it("leaves a user's own collector settings alone", () => {
    expect(shortLivedGoEnv({ GOGC: '200' })).toEqual({ GOGC: '200' });
    expect(shortLivedGoEnv({ GOMEMLIMIT: '2GiB' })).toEqual({ GOMEMLIMIT: '2GiB' });
  });
});

describe('goMemoryLimitMiB', () => {
  it('gives each process a share of half the memory, between 256 MiB and 1 GiB', () => {
    const GiB = 2 ** 30;
    expect(goMemoryLimitMiB(16 * GiB, 4)).toBe(1024);
    expect(goMemoryLimitMiB(7 * GiB, 8)).toBe(448);
    expect(goMemoryLimitMiB(1 * GiB, 4)).toBe(256);
  });
});
