import { describe, expect, it } from 'vitest';

import { exitCodeText } from '../../../src/kube/container-exit.js';

describe('exitCodeText', () => {
  it('names the signal of an exit code above 128', () => {
    expect(exitCodeText(137)).toBe('exit code 137 (SIGKILL)');
    expect(exitCodeText(143)).toBe('exit code 143 (SIGTERM)');
    expect(exitCodeText(139)).toBe('exit code 139 (SIGSEGV)');
  });

  it('leaves a plain exit code and a missing one as they are', () => {
    expect(exitCodeText(1)).toBe('exit code 1');
    expect(exitCodeText(128)).toBe('exit code 128');
    expect(exitCodeText(0)).toBe('exit code 0');
    expect(exitCodeText(255)).toBe('exit code 255');
    expect(exitCodeText(undefined)).toBe('exit code ?');
  });
});
