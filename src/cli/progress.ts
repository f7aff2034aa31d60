// Readable progress on stderr: one line when a phase starts, its log lines
// indented under it, one line when it ends with its result and elapsed time.
// stdout is left to results (outputs, the final table) so scripts can read it.
import { cancellation } from '../exec/signals.js';

export type PhaseResult = 'ok' | 'failed' | 'interrupted' | 'skipped' | 'rolled back';

export interface PhaseRecord {
  phase: string;
  result: PhaseResult;
  detail: string;
  ms: number;
}

export interface Progress {
  /** Runs one phase: its start and end lines, its elapsed time, its record. */
  phase<T>(
    name: string,
    run: (log: (line: string) => void) => Promise<T>,
    judge?: (value: T) => Judgement,
  ): Promise<T>;
  log(line: string): void;
  /** Writes text as it is, without a time stamp (a step's report). */
  print(text: string): void;
  records: PhaseRecord[];
}

export interface Judgement {
  result: PhaseResult;
  detail: string;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function createProgress(
  write: (text: string) => void = (text) => process.stderr.write(text),
  now: () => number = Date.now,
): Progress {
  const start = now();
  const records: PhaseRecord[] = [];
  const stamp = () => `[${seconds(now() - start).padStart(6)}]`;
  const log = (line: string) => write(`${stamp()}     ${line}\n`);
  return {
    records,
    log,
    print: write,
    async phase(name, run, judge) {
      const began = now();
      write(`${stamp()} ▶ ${name}\n`);
      const end = (result: PhaseResult, detail: string) => {
        const ms = now() - began;
        records.push({ phase: name, result, detail, ms });
        const mark =
          result === 'ok' || result === 'rolled back' ? '✔' : result === 'skipped' ? '–' : '✘';
        write(
          `${stamp()} ${mark} ${name}: ${result}${detail ? ` (${detail})` : ''} in ${seconds(ms)}\n`,
        );
      };
      try {
        const value = await run(log);
        const judged = judge ? judge(value) : { result: 'ok' as const, detail: '' };
        // A step that turned Ctrl-C into a failed result was interrupted, not failed.
        const verdict =
          judged.result === 'failed' && cancellation()
            ? { result: 'interrupted' as const, detail: judged.detail }
            : judged;
        end(verdict.result, verdict.detail);
        return value;
      } catch (error) {
        end(
          cancellation() ? 'interrupted' : 'failed',
          error instanceof Error ? firstLine(error.message) : String(error),
        );
        throw error;
      }
    },
  };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 110 ? `${line.slice(0, 107)}...` : line;
}

/** A plain-text table (phase, result, detail, time) for the end of a run. */
export function renderTable(records: readonly PhaseRecord[]): string {
  const header = ['phase', 'result', 'time', 'detail'];
  const body = records.map((r) => [r.phase, r.result, seconds(r.ms), firstLine(r.detail)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n') + '\n';
}
