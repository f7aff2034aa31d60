// The rollback action's default target after a deploy's automatic rollback:
// the restored revision runs an earlier revision's manifest, so that earlier
// revision is passed over rather than "rolled back to" for no change. Any
// other current revision goes back to the newest candidate, as before.
import { describe, expect, it } from 'vitest';
import type { RevisionInfo } from '../../src/helm/helm.js';
import { InputError } from '../../src/inputs/errors.js';
import type { ReleaseRecords, RevisionMarks } from '../../src/release/records.js';
import { ReleaseRefusedError } from '../../src/release/release.js';
import { chooseTarget } from '../../src/rollback/rollback.js';

const rev = (revision: number, status: RevisionInfo['status'], description: string) =>
  ({
    revision,
    status,
    description,
    updated: '2026-01-01T00:00:00Z',
    chart: 'velero-11.1.1',
    app_version: '1.17.0',
  }) satisfies RevisionInfo;

const records = (marks: Record<number, RevisionMarks>): ReleaseRecords => ({
  marks: new Map(Object.entries(marks).map(([k, v]) => [Number(k), v])),
  present: true,
  supported: true,
});

/** Digests by revision, and the revisions whose digest was asked for. */
function digests(byRevision: Record<number, string>) {
  const asked: number[] = [];
  const digestOf = (revision: number) => {
    asked.push(revision);
    const d = byRevision[revision];
    return d ? Promise.resolve(d) : Promise.reject(new Error(`no manifest for ${revision}`));
  };
  return { asked, digestOf };
}

// 1 and 2 verified; 3 failed its watch; 4 is the deploy's rollback to 2.
const afterAutoRollback = [
  rev(1, 'superseded', 'Install complete'),
  rev(2, 'superseded', 'Upgrade complete'),
  rev(3, 'superseded', 'Upgrade complete'),
  rev(4, 'deployed', 'Rollback to 2: revision 3 failed (Pod/x CrashLoopBackOff)'),
];
const autoRollbackMarks = records({
  1: { verified: true },
  2: { verified: true },
  3: { rejected: true },
  4: { verified: true },
});

const choose = (
  history: RevisionInfo[],
  marks: ReleaseRecords,
  digestOf: (r: number) => Promise<string>,
  revision?: number,
) => chooseTarget(history, marks, 'velero', 'velero', revision, digestOf);

describe('chooseTarget', () => {
  it('passes over a verified revision whose manifest the current revision runs', async () => {
    const d = digests({ 1: 'sha256:a', 2: 'sha256:b', 4: 'sha256:b' });
    const got = await choose(afterAutoRollback, autoRollbackMarks, d.digestOf);
    expect(got).toMatchObject({ target: { revision: 1 }, verified: true, sameManifest: [2] });
  });

  it('refuses, naming the revision, when the only candidate has the same manifest', async () => {
    const d = digests({ 1: 'sha256:a', 2: 'sha256:b', 4: 'sha256:b' });
    const noFirst = records({
      2: { verified: true },
      3: { rejected: true },
      4: { verified: true },
    });
    const refused = choose(afterAutoRollback, noFirst, d.digestOf);
    await expect(refused).rejects.toThrow(ReleaseRefusedError);
    await expect(refused).rejects.toThrow(
      "release 'velero' has nothing to roll back to: its current revision 4 has the same manifest as revision 2, the only verified revision before it, so a rollback would change no object; set 'revision' to restore another revision",
    );
  });

  it("reads only the current and the newest candidate's manifests when they differ", async () => {
    const d = digests({ 1: 'sha256:a', 2: 'sha256:b', 4: 'sha256:c' });
    const got = await choose(afterAutoRollback, autoRollbackMarks, d.digestOf);
    expect(got).toMatchObject({ target: { revision: 2 }, sameManifest: [] });
    expect(d.asked.sort()).toEqual([2, 4]);
  });

  it('rolls a stuck revision back to its own manifest without reading any', async () => {
    const stuck = [
      ...afterAutoRollback.slice(0, 3),
      rev(4, 'pending-upgrade', 'Preparing upgrade'),
    ];
    const d = digests({});
    const got = await choose(stuck, records({ 2: { verified: true } }), d.digestOf);
    expect(got).toMatchObject({ target: { revision: 2 }, sameManifest: [] });
    expect(d.asked).toEqual([]);
  });

  it("applies to helm's good revisions when none is verified", async () => {
    const history = [
      rev(1, 'superseded', 'Install complete'),
      rev(2, 'deployed', 'Rollback to 1: revision 1 was restored by hand'),
    ];
    const d = digests({ 1: 'sha256:a', 2: 'sha256:a' });
    await expect(choose(history, records({}), d.digestOf)).rejects.toThrow(
      'the same manifest as revision 1, the only good revision before it',
    );
  });

  it('rolls an upgrade back to the verified revision before it, even with the same manifest, without reading any', async () => {
    // The deploy workflow after a smoke test failed: the upgrade rendered what
    // the verified revision did, and the failure came from elsewhere.
    const history = [
      rev(1, 'superseded', 'Install complete'),
      rev(2, 'deployed', 'Upgrade complete'),
    ];
    const d = digests({ 1: 'sha256:a', 2: 'sha256:a' });
    const got = await choose(
      history,
      records({ 1: { verified: true }, 2: { rejected: true } }),
      d.digestOf,
    );
    expect(got).toMatchObject({ target: { revision: 1 }, verified: true, sameManifest: [] });
    expect(d.asked).toEqual([]);
  });

  it('keeps a revision given by hand, and still refuses the current one', async () => {
    const d = digests({});
    const got = await choose(afterAutoRollback, autoRollbackMarks, d.digestOf, 2);
    expect(got).toMatchObject({ target: { revision: 2 }, sameManifest: [] });
    expect(d.asked).toEqual([]);
    await expect(choose(afterAutoRollback, autoRollbackMarks, d.digestOf, 4)).rejects.toThrow(
      InputError,
    );
  });
});
