// Which revisions of a release passed our verification, recorded as labels on
// helm's own release record: the storage Secret `sh.helm.release.v1.<release>.v<N>`
// (a ConfigMap of that name with HELM_DRIVER=configmap).
//
// Why labels on helm's record, and why their value is the revision number:
// helm 3.13+ and 4 read a record's custom labels back into the release when
// they load it and write them again when they update it (deployed ->
// superseded), so a label survives later upgrades and rollbacks. But helm also
// copies them forward: an upgrade gives the new revision the labels of the
// last one, a rollback those of its target. A label only counts on the
// revision it names (`hotswap.dev/verified: "3"` on revision 3), so a copy
// carried to revision 4 says nothing about revision 4.
import type { Kubectl } from '../kube/kubectl.js';

export const LABELS = {
  /** Passed the rollout watch (or helm's wait) or a smoke test. */
  verified: 'hotswap.dev/verified',
  /** Failed the rollout watch or a smoke test: never a rollback target. */
  rejected: 'hotswap.dev/rejected',
  /** A run was cancelled while it owned this revision: the next run recovers it at once. */
  cancelled: 'hotswap.dev/cancelled',
} as const;

export type Mark = keyof typeof LABELS;

export type RevisionMarks = Partial<Record<Mark, boolean>>;

export interface ReleaseRecords {
  /** Marks that name their own revision, by revision. */
  marks: ReadonlyMap<number, RevisionMarks>;
  /** Any of our labels on any record: these actions have handled this release before. */
  present: boolean;
  /** False when helm's storage is not readable with kubectl (HELM_DRIVER sql or memory). */
  supported: boolean;
  /** The revision helm's record calls deployed, if any. */
  deployed?: number;
  /** The newest revision and its status as helm's record has it. */
  latest?: { revision: number; status: string };
}

export const NO_RECORDS: ReleaseRecords = { marks: new Map(), present: false, supported: true };

/** The kind of object helm stores releases in, from HELM_DRIVER as helm reads it. */
export function storageKind(
  driver = process.env.HELM_DRIVER ?? '',
): 'secret' | 'configmap' | undefined {
  const d = driver.trim().toLowerCase();
  if (d === '' || d === 'secret' || d === 'secrets') return 'secret';
  if (d === 'configmap' || d === 'configmaps') return 'configmap';
  return undefined;
}

/** `records` with one more mark, as it reads once `mark` is written. */
export function withMark(records: ReleaseRecords, revision: number, mark: Mark): ReleaseRecords {
  const marks = new Map(records.marks);
  marks.set(revision, { ...marks.get(revision), [mark]: true });
  return { ...records, marks, present: true };
}

/** Reads the records' labels (one line of JSON each) into marks. Pure, for tests. */
export function parseRecordLabels(lines: readonly Record<string, string>[]): ReleaseRecords {
  const marks = new Map<number, RevisionMarks>();
  let present = false;
  let deployed: number | undefined;
  let latest: ReleaseRecords['latest'];
  for (const labels of lines) {
    const revision = Number(labels.version);
    if (!Number.isInteger(revision)) continue;
    if (revision > (latest?.revision ?? 0)) latest = { revision, status: labels.status ?? '' };
    if (labels.status === 'deployed' && revision > (deployed ?? 0)) deployed = revision;
    const own: RevisionMarks = {};
    for (const [mark, key] of Object.entries(LABELS) as [Mark, string][]) {
      if (labels[key] === undefined) continue;
      present = true;
      if (labels[key] === String(revision)) own[mark] = true;
    }
    marks.set(revision, own);
  }
  return { marks, present, supported: true, deployed, latest };
}

export class RecordStore {
  private readonly kind = storageKind();

  constructor(
    private readonly kubectl: Kubectl,
    readonly release: string,
    readonly namespace: string,
  ) {}

  get supported(): boolean {
    return this.kind !== undefined;
  }

  async read(): Promise<ReleaseRecords> {
    if (!this.kind) return { ...NO_RECORDS, supported: false };
    // Labels only: their data (the whole release, gzipped, tens of KiB each)
    // is neither sent nor decoded.
    const labels = await this.kubectl.labelsOf(
      this.kind,
      this.namespace,
      `owner=helm,name=${this.release}`,
    );
    return parseRecordLabels(labels);
  }

  /** Sets (or, with `false`, removes) one mark on the record of `revision`. */
  async mark(revision: number, mark: Mark, on = true): Promise<void> {
    if (!this.kind) return;
    await this.kubectl.setLabel(
      this.kind,
      this.namespace,
      `sh.helm.release.v1.${this.release}.v${revision}`,
      LABELS[mark],
      on ? String(revision) : undefined,
    );
  }
}
