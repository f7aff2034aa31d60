// The helm process limiter: bounded, in order, and the next task starts
// before the caller of a finished one runs its (possibly long) follow-up.
import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../../src/lint/limiter.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLimiter', () => {
  it('runs at most `limit` tasks at a time, in the order queued', async () => {
    const limit = createLimiter(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const done = gates.map((g, i) =>
      limit(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await done[1];
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2]);
  });

  it('starts the next task before the follow-up of a finished one runs', async () => {
    const limit = createLimiter(1);
    const events: string[] = [];
    const first = limit(async () => 'first');
    const second = limit(async () => {
      events.push('second started');
    });
    await first.then(() => events.push('follow-up of first'));
    await second;
    expect(events).toEqual(['second started', 'follow-up of first']);
  });

  it('frees the slot of a failed task', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit(async () => 'next')).toBe('next');
  });
});
