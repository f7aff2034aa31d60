// A container's exit as a person reads it. An exit code of 128+n means the
// process was killed by signal n; naming it matters most for 137 (SIGKILL):
// an out-of-memory kill reads so, with reason Error, when the runtime missed
// the cgroup's OOM event and could not say OOMKilled.
import { constants } from 'node:os';

const SIGNAL_NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(constants.signals)) {
  if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name);
}

/** "exit code 1", "exit code 137 (SIGKILL)", "exit code ?". */
export function exitCodeText(code: number | undefined): string {
  if (code === undefined) return 'exit code ?';
  const signal = code > 128 ? SIGNAL_NAMES.get(code - 128) : undefined;
  return signal ? `exit code ${code} (${signal})` : `exit code ${code}`;
}

/** "exit code 137 (SIGKILL), OOMKilled": a terminated container's code and reason. */
export function terminationText(
  t: { exitCode?: number; reason?: string },
  reasonIfNone = 'terminated',
): string {
  return `${exitCodeText(t.exitCode)}, ${t.reason ?? reasonIfNone}`;
}
