// Where a deploy's time went, for its summary: the moment each phase began
// (prepare, upgrade, watch, verify, rollback...); a phase lasts until the
// next one begins. Work a phase starts may run on into the next (the history
// is read while the watch runs): this is wall time, not cost.

export interface PhaseTime {
  phase: string;
  ms: number;
}

export class PhaseClock {
  private readonly marks: { phase: string; at: number }[] = [];

  constructor(private readonly now: () => number) {}

  begin(phase: string): void {
    this.marks.push({ phase, at: this.now() });
  }

  /** Every phase so far with its duration, the last one up to now. */
  times(): PhaseTime[] {
    const end = this.now();
    return this.marks.map((m, i) => ({
      phase: m.phase,
      ms: (this.marks[i + 1]?.at ?? end) - m.at,
    }));
  }
}
