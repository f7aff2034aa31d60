import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/exec/command.js';
import type { RevisionInfo } from '../../src/helm/helm.js';
import { Kubectl, parseLabelsColumn } from '../../src/kube/kubectl.js';
import {
  LABELS,
  parseRecordLabels,
  RecordStore,
  type ReleaseRecords,
  type RevisionMarks,
} from '../../src/release/records.js';
import {
  goodRevisions,
  lastGoodRevision,
  lastVerifiedRevision,
  rollbackTarget,
  settledStart,
  startOf,
  stuckVerdict,
} from '../../src/release/state.js';

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

type Marks = Record<number, RevisionMarks>;
const records = (marks: Marks = {}, present = Object.keys(marks).length > 0): ReleaseRecords => ({
  marks: new Map(Object.entries(marks).map(([k, v]) => [Number(k), v])),
  present,
  supported: true,
});

describe('parseRecordLabels', () => {
  it('counts a mark only on the revision it names (helm copies labels to later revisions)', () => {
    const r = parseRecordLabels([
      { name: 'web', owner: 'helm', status: 'superseded', version: '1', [LABELS.verified]: '1' },
      // helm's upgrade copied revision 1's labels to revision 2
      { name: 'web', owner: 'helm', status: 'superseded', version: '2', [LABELS.verified]: '1' },
      {
        name: 'web',
        owner: 'helm',
        status: 'deployed',
        version: '3',
        [LABELS.verified]: '1',
        [LABELS.cancelled]: '3',
      },
    ]);
    expect([...r.marks]).toEqual([
      [1, { verified: true }],
      [2, {}],
      [3, { cancelled: true }],
    ]);
    expect(r).toMatchObject({ present: true, deployed: 3 });
    expect(parseRecordLabels([{ name: 'web', owner: 'helm', version: '1' }]).present).toBe(false);
  });
});

describe('reading the records as a table of labels', () => {
  // As kubectl prints them (secret driver; the configmap driver has no TYPE column).
  const SECRETS = [
    'sh.helm.release.v1.web.v1   helm.sh/release.v1   1     24s   hotswap.dev/verified=1,modifiedAt=1796115973,name=web,owner=helm,status=superseded,version=1',
    'sh.helm.release.v1.web.v2   helm.sh/release.v1   1     12s   hotswap.dev/verified=1,modifiedAt=1796115980,name=web,owner=helm,status=deployed,version=2',
    '',
  ].join('\n');

  it("takes each row's last column as its labels", () => {
    expect(parseLabelsColumn(SECRETS)).toEqual([
      {
        [LABELS.verified]: '1',
        modifiedAt: '1796115973',
        name: 'web',
        owner: 'helm',
        status: 'superseded',
        version: '1',
      },
      {
        [LABELS.verified]: '1',
        modifiedAt: '1796115980',
        name: 'web',
        owner: 'helm',
        status: 'deployed',
        version: '2',
      },
    ]);
    expect(
      parseLabelsColumn(
        'sh.helm.release.v1.web.v3   1     5s    name=web,owner=helm,version=3,x=\n',
      ),
    ).toEqual([{ name: 'web', owner: 'helm', version: '3', x: '' }]);
    expect(parseLabelsColumn('cm   1   5s   <none>\n')).toEqual([{}]);
    expect(parseLabelsColumn('')).toEqual([]);
  });

  it('asks kubectl for the labels only, and reads the marks from them', async () => {
    const calls: string[][] = [];
    const kubectl = new (class extends Kubectl {
      override run(args: readonly string[]): Promise<CommandResult> {
        calls.push([...args]);
        return Promise.resolve({ code: 0, stdout: SECRETS, stderr: '' } as CommandResult);
      }
    })({ kubectl: 'kubectl' });
    const records = await new RecordStore(kubectl, 'web', 'shop').read();
    expect(calls).toEqual([
      ['get', 'secret', '-n', 'shop', '-l', 'owner=helm,name=web', '--show-labels', '--no-headers'],
    ]);
    expect(records).toMatchObject({
      present: true,
      deployed: 2,
      latest: { revision: 2, status: 'deployed' },
    });
    expect([...records.marks]).toEqual([
      [1, { verified: true }],
      [2, {}],
    ]);
  });
});

describe('rollbackTarget', () => {
  const cases: {
    name: string;
    history: RevisionInfo[];
    marks?: Marks;
    present?: boolean;
    before?: number;
    want: { revision: number; verified: boolean } | undefined;
  }[] = [
    {
      name: 'the newest verified revision, not the newer deployed one nobody verified',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'superseded', 'Upgrade complete'),
        rev(3, 'deployed', 'Upgrade complete'), // a cancelled watch left it deployed
        rev(4, 'deployed', 'Upgrade complete'),
      ],
      marks: { 1: { verified: true }, 2: { verified: true }, 3: { cancelled: true } },
      before: 4,
      want: { revision: 2, verified: true },
    },
    {
      name: 'a revision a smoke test rejected after its watch passed is skipped',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'superseded', 'Upgrade complete'),
        rev(3, 'failed', 'Upgrade failed'),
      ],
      marks: { 1: { verified: true }, 2: { verified: true, rejected: true } },
      before: 3,
      want: { revision: 1, verified: true },
    },
    {
      name: 'a verified rollback revision is a target',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'superseded', 'Upgrade complete'),
        rev(3, 'superseded', 'Rollback to 1: revision 2 failed (Pod/x CrashLoopBackOff)'),
        rev(4, 'deployed', 'Upgrade complete'),
      ],
      marks: { 1: { verified: true }, 2: { rejected: true }, 3: { verified: true } },
      before: 4,
      want: { revision: 3, verified: true },
    },
    {
      name: 'verified, then rolled away from by hand: still a target (failures are recorded)',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'superseded', 'Upgrade complete'),
        rev(3, 'superseded', 'Rollback to 1: requested'),
        rev(4, 'deployed', 'Upgrade complete'),
      ],
      marks: { 1: { verified: true }, 2: { verified: true } },
      before: 4,
      want: { revision: 2, verified: true },
    },
    {
      name: "no records: helm's last good revision, not one a rollback went away from",
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'superseded', 'Upgrade complete'),
        rev(3, 'superseded', 'Rollback to 1: revision 2 failed'),
        rev(4, 'deployed', 'Upgrade complete'),
      ],
      before: 4,
      want: { revision: 3, verified: false },
    },
    {
      name: "no records at all (never handled, adoption unhealthy): helm's last good revision",
      history: [rev(1, 'superseded', 'Install complete'), rev(2, 'deployed', 'Upgrade complete')],
      before: 3,
      want: { revision: 2, verified: false },
    },
    {
      name: 'no verified revision: the fallback skips rejected and cancelled ones',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'superseded', 'Upgrade complete'),
        rev(3, 'deployed', 'Upgrade complete'),
      ],
      marks: { 2: { cancelled: true }, 3: { rejected: true } },
      before: 4,
      want: { revision: 1, verified: false },
    },
    {
      name: 'verified revisions exist but only newer ones: no target (no unverified fallback)',
      history: [rev(1, 'superseded', 'Install complete'), rev(2, 'deployed', 'Upgrade complete')],
      marks: { 2: { verified: true } },
      before: 2,
      want: undefined,
    },
    {
      name: 'a failed first install has nothing to return to',
      history: [rev(1, 'failed', 'Install failed')],
      before: 1,
      want: undefined,
    },
  ];
  it.each(cases)('$name', ({ history, marks, present, before, want }) => {
    const got = rollbackTarget(history, records(marks, present), before);
    expect(got && { revision: got.revision.revision, verified: got.verified }).toEqual(want);
  });

  it('last-verified-revision is the newest verified good revision', () => {
    const history = [
      rev(1, 'superseded', 'Install complete'),
      rev(2, 'superseded', 'Upgrade complete'),
      rev(3, 'deployed', 'Upgrade complete'),
    ];
    expect(
      lastVerifiedRevision(history, records({ 1: { verified: true }, 2: { verified: true } })),
    ).toBe(2);
    expect(
      lastVerifiedRevision(history, records({ 2: { verified: true, rejected: true } })),
    ).toBeUndefined();
  });
});

describe('stuckVerdict', () => {
  const now = Date.parse('2026-01-01T00:20:00Z');
  const young = '2026-01-01T00:19:58Z';
  const cases: {
    name: string;
    history: RevisionInfo[];
    marks?: Marks;
    want: Record<string, unknown>;
  }[] = [
    {
      name: 'a young pending release of someone else is left alone',
      history: [
        rev(1, 'deployed', 'Install complete'),
        rev(2, 'pending-upgrade', 'Preparing upgrade', '2026-01-01T00:15:00.5Z'),
      ],
      want: { kind: 'busy', status: 'pending-upgrade', ageMs: 299_500 },
    },
    {
      name: 'an old pending-upgrade goes back to the last good revision',
      history: [
        rev(1, 'deployed', 'Install complete'),
        rev(2, 'pending-upgrade', 'Preparing upgrade'),
      ],
      want: { kind: 'rollback', revision: 2, to: 1, cancelled: false, unverifiedTarget: true },
    },
    {
      name: 'a young pending-rollback our cancelled run marked is recovered at once, to the verified revision',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'superseded', 'Upgrade complete'),
        rev(3, 'superseded', 'Upgrade complete'),
        rev(4, 'pending-rollback', 'Rollback to 2: revision 3 failed', young),
      ],
      marks: { 2: { verified: true }, 3: { rejected: true }, 4: { cancelled: true } },
      want: { kind: 'rollback', revision: 4, to: 2, cancelled: true, unverifiedTarget: false },
    },
    {
      name: 'a young pending-upgrade our run marked cancelled (helm killed at the deadline)',
      history: [
        rev(1, 'deployed', 'Install complete'),
        rev(2, 'pending-upgrade', 'Preparing upgrade', young),
      ],
      marks: { 1: { verified: true }, 2: { cancelled: true } },
      want: { kind: 'rollback', revision: 2, to: 1, cancelled: true },
    },
    {
      name: 'a deployed revision whose watch was cancelled (the intent) is rolled back at once',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'deployed', 'Upgrade complete', young),
      ],
      marks: { 1: { verified: true }, 2: { cancelled: true } },
      want: { kind: 'rollback', revision: 2, to: 1, cancelled: true },
    },
    {
      name: 'a cancelled mark copied from an earlier revision does not count',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'superseded', 'Upgrade complete'),
        rev(3, 'deployed', 'Rollback to 1: run cancelled (SIGINT) during watch of revision 2'),
      ],
      marks: { 1: { verified: true }, 2: { cancelled: true }, 3: {} },
      want: { kind: 'none' },
    },
    {
      name: 'an old pending-install that never deployed is uninstalled',
      history: [rev(1, 'pending-install', 'Initial install underway')],
      want: { kind: 'uninstall', revision: 1 },
    },
    {
      name: 'good revisions but none verified or trusted: stranded, not uninstalled',
      history: [
        rev(1, 'superseded', 'Install complete'),
        rev(2, 'pending-upgrade', 'Preparing upgrade', young),
      ],
      marks: { 1: { verified: true, rejected: true }, 2: { cancelled: true } },
      want: { kind: 'stranded', revision: 2, cancelled: true },
    },
    {
      name: 'a settled release',
      history: [rev(1, 'deployed', 'Install complete')],
      want: { kind: 'none' },
    },
    { name: 'no release', history: [], want: { kind: 'none' } },
  ];
  it.each(cases)('$name', ({ history, marks, want }) => {
    const got = stuckVerdict(history, records(marks), 600_000, now);
    if (want.kind === 'none') expect(got).toEqual(want);
    else expect(got).toMatchObject(want);
  });
});

describe('settledStart: the records alone say nothing is to recover or adopt', () => {
  const labels = (
    revision: number,
    status: string,
    marks: Partial<Record<keyof typeof LABELS, number>> = {},
  ) => ({
    name: 'web',
    owner: 'helm',
    status,
    version: String(revision),
    ...Object.fromEntries(
      Object.entries(marks).map(([m, r]) => [LABELS[m as keyof typeof LABELS], String(r)]),
    ),
  });

  it('starts from the newest revision and the deployed one when both are ours and settled', () => {
    const records = parseRecordLabels([
      labels(1, 'superseded', { verified: 1 }),
      labels(2, 'deployed', { verified: 1 }),
      labels(3, 'failed', { rejected: 3 }),
    ]);
    expect(settledStart(records)).toEqual({ latest: 3, deployed: 2 });
  });

  it('starts from nothing when the release has no record yet (a first install)', () => {
    expect(settledStart(parseRecordLabels([]))).toEqual({ latest: 0 });
  });

  it('leaves a pending or cancelled newest revision, a release never handled, and unreadable storage to the history', () => {
    const pending = [labels(1, 'deployed', { verified: 1 }), labels(2, 'pending-upgrade')];
    expect(settledStart(parseRecordLabels(pending))).toBeUndefined();
    const cancelled = [
      labels(1, 'superseded', { verified: 1 }),
      labels(2, 'deployed', { cancelled: 2 }),
    ];
    expect(settledStart(parseRecordLabels(cancelled))).toBeUndefined();
    expect(settledStart(parseRecordLabels([labels(1, 'deployed')]))).toBeUndefined();
    expect(
      settledStart({ ...parseRecordLabels(pending.slice(0, 1)), supported: false }),
    ).toBeUndefined();
  });

  it('agrees with the history: settled only where stuckVerdict has nothing to do, with the same start', () => {
    const statuses = [
      'deployed',
      'superseded',
      'failed',
      'pending-install',
      'pending-upgrade',
      'pending-rollback',
      'uninstalling',
    ] as const;
    const now = Date.parse('2026-01-01T00:20:00Z');
    for (const first of statuses)
      for (const last of statuses)
        for (const cancelled of [false, true]) {
          const history = [rev(1, first, 'Install complete'), rev(2, last, 'Upgrade complete')];
          const records = parseRecordLabels(
            history.map((r) =>
              labels(r.revision, r.status, { verified: 1, ...(cancelled ? { cancelled: 2 } : {}) }),
            ),
          );
          const settled = settledStart(records);
          if (settled === undefined) continue;
          expect(
            stuckVerdict(history, records, 60_000, now),
            `${first} ${last} ${cancelled}`,
          ).toEqual({ kind: 'none' });
          expect(settled).toEqual(startOf(history));
        }
  });
});
