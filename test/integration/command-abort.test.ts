import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/exec/command.js';

describe('runCommand with an AbortSignal', () => {
  it('stops a long-running child on abort and returns its output instead of throwing', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const started = Date.now();
    const run = runCommand('sh', ['-c', 'echo ready; exec sleep 30'], {
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        if (line === 'ready') controller.abort();
      },
    });
    const result = await run;
    expect(lines).toEqual(['ready']);
    expect(result.stdout).toBe('ready\n');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('does not start work for an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runCommand('sleep', ['30'], { signal: controller.signal });
    expect(result.code).toBe(128);
  });

  it('still throws on a failure nobody asked for', async () => {
    const controller = new AbortController();
    await expect(runCommand('sh', ['-c', 'exit 3'], { signal: controller.signal })).rejects.toThrow(
      /exit code 3/,
    );
  });
});
