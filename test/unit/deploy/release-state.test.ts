import { describe, expect, it } from 'vitest';
import type { RevisionInfo } from '../../../src/helm/helm.js';
import {
  goodRevisions,
  lastGoodRevision,
  stuckVerdict,
} from '../../../src/deploy/release-state.js';

const rev = (
  revision: number,
  status: RevisionInfo['status'],
  description: string,
  updated = '2026-01-01T00:00:00.123456789Z',
): RevisionInfo => ({
  revision,
  status,
  description,
  updated,
  chart: 'hotswap-0.1.0',
  app_version: '1.0.0',
});

describe('goodRevisions', () => {
  it('skips failed revisions and revisions that were rolled back away from', () => {
    const history = [
      rev(1, 'superseded', 'Install complete'),
      rev(2, 'superseded', 'Upgrade complete'),
      rev(3, 'superseded', 'Upgrade complete'), // helm said fine, our watch said no
      rev(4, 'superseded', 'Rollback to 2: revision 3 failed (Pod/x CrashLoopBackOff)'),
      rev(5, 'failed', 'Upgrade "x" failed: pre-upgrade hooks failed'),
      rev(6, 'deployed', 'Rollback to 4: revision 5 failed (Job/m BackoffLimitExceeded)'),
    ];
    expect(goodRevisions(history).map((r) => r.revision)).toEqual([6, 4, 2, 1]);
    expect(lastGoodRevision(history, 6)?.revision).toBe(4);
    expect(lastGoodRevision(history, 4)?.revision).toBe(2);
    expect(lastGoodRevision([rev(1, 'failed', 'Install failed')])).toBeUndefined();
  });
});

describe('stuckVerdict', () => {
  const now = Date.parse('2026-01-01T00:20:00Z');
  it('leaves a young pending release alone', () => {
    const v = stuckVerdict(
      [
        rev(1, 'deployed', 'Install complete'),
        rev(2, 'pending-upgrade', 'Preparing upgrade', '2026-01-01T00:15:00.5Z'),
      ],
      600_000,
      now,
    );
    expect(v).toMatchObject({ kind: 'busy', status: 'pending-upgrade', ageMs: 299_500 });
  });
  it('rolls an old pending-upgrade back to the last good revision', () => {
    const v = stuckVerdict(
      [rev(1, 'deployed', 'Install complete'), rev(2, 'pending-upgrade', 'Preparing upgrade')],
      600_000,
      now,
    );
    expect(v).toMatchObject({ kind: 'rollback', revision: 2, to: 1 });
  });
  it('uninstalls an old pending-install that never deployed', () => {
    expect(
      stuckVerdict([rev(1, 'pending-install', 'Initial install underway')], 600_000, now),
    ).toMatchObject({ kind: 'uninstall', revision: 1 });
  });
  it('says nothing for a settled release', () => {
    expect(stuckVerdict([rev(1, 'deployed', 'Install complete')], 600_000, now)).toEqual({
      kind: 'none',
    });
    expect(stuckVerdict([], 600_000, now)).toEqual({ kind: 'none' });
  });
});
