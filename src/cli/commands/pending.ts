// Subcommands whose domain module cannot run outside the runner yet: they fail
// loudly, saying what to use instead, rather than pretend.
import type { Command } from '../command.js';

export function pendingCommand(name: string, instead: string): Command {
  return {
    name,
    action: name,
    async run() {
      throw new Error(`hotswap-ci ${name} is not available from the command line yet: ${instead}`);
    },
  };
}
