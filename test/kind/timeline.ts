// Seconds from the deploy's start to each milestone it logs, taken as the
// lines arrive: the upgrade applied (the watch starts), the failure detected,
// the last good revision restored (or the new one deployed).
import type { ChildProcess } from 'node:child_process';

export interface Timeline {
  /** helm upgrade returned and the rollout watch began. */
  watchingS?: number;
  /** The deploy called the failure. */
  detectedS?: number;
  /** The rollback's own watch saw the restored revision ready. */
  restoredS?: number;
  /** The new revision was judged ready. */
  deployedS?: number;
  endS?: number;
}

const MARKS: [keyof Timeline, RegExp][] = [
  ['watchingS', /^Watching the rollout of revision/],
  ['detectedS', /^Deploy failed: /],
  ['restoredS', /^Rolled back to revision /],
  ['deployedS', /^Release '.*' revision \d+ deployed/],
];

export function timeline(): { attach: (child: ChildProcess) => void; result: () => Timeline } {
  const start = Date.now();
  const t: Timeline = {};
  const seconds = () => Math.round((Date.now() - start) / 100) / 10;
  let partial = '';
  return {
    attach: (child) => {
      child.stdout?.on('data', (d: Buffer) => {
        const lines = (partial + d.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines)
          for (const [key, re] of MARKS)
            if (t[key] === undefined && re.test(line)) t[key] = seconds();
      });
      child.on('close', () => (t.endS = seconds()));
    },
    result: () => ({ ...t }),
  };
}
