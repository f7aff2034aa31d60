// Three automatic rollbacks in a row of a crash-looping upgrade: each one goes
// back to the revision the previous one restored (verified by its watch), and
// leaves the release deployed, verified and fully available. `npm run soak`
// runs twenty.
import { afterAll, describe, expect, it } from 'vitest';
import { crashLoopRollbacks } from '../../support/rollback-soak.js';
import { kubeconfig, kubectl } from './harness.js';

const namespace = `soak-${process.pid}`;

afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('automatic rollback, again and again', () => {
  it('rolls back three crash-looping upgrades in a row to a verified, healthy revision', async () => {
    const rounds = await crashLoopRollbacks({ kubeconfig: kubeconfig(), namespace, rounds: 3 });
    expect(rounds.map((r) => r.problem ?? 'ok')).toEqual(['ok', 'ok', 'ok']);
    // Install 1; round n: revision 2n crash-loops, 2n+1 restores; each goes back to the last restore.
    expect(rounds.map((r) => [r.revision, r.rolledBackTo, r.restored])).toEqual([
      [2, 1, 3],
      [4, 3, 5],
      [6, 5, 7],
    ]);
  });
});
