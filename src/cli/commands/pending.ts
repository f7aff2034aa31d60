// Subcommands whose domain module has not landed yet: they fail loudly, as
// their actions do, rather than pretend.
import type { Command } from '../command.js';

export function pendingCommand(name: string): Command {
  return {
    name,
    action: name,
    async run() {
      throw new Error(`hotswap-ci ${name} is not implemented yet (actions/${name} is not either)`);
    },
  };
}
