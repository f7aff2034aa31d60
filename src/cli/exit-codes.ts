// Exit codes a script can rely on. Bad usage and bad input share 2: in both
// cases nothing was changed and the same command will fail again as is. An
// input that is well-formed but names what the cluster does not have (a
// namespace, a kube-context, a release or revision) is bad input too: the
// domain modules throw InputError for it, as the input parsers do.
import { CancelledError } from '../exec/command.js';
import { cancellation } from '../exec/signals.js';
import { InputError } from '../inputs/errors.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command line that cannot be run: unknown command or flag, missing value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CancelledError || cancellation()) return EXIT.interrupted;
  if (error instanceof UsageError || error instanceof InputError) return EXIT.usage;
  return EXIT.failed;
}
