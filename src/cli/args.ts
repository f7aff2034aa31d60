// Command-line parsing with node:util parseArgs: every flag takes a value
// (`--name value` or `--name=value`), as every action input is a string; a
// flag given twice is joined by a newline, the actions' multi-line form.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './exit-codes.js';

export interface ParsedFlags {
  values: Record<string, string>;
  help: boolean;
  positionals: string[];
}

export function parseFlags(argv: string[], names: readonly string[]): ParsedFlags {
  const options: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of names) options[name] = { type: 'string', multiple: true };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(usageMessage(error));
  }
  const values: Record<string, string> = {};
  let help = false;
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name === 'help') help = value === true;
    else if (Array.isArray(value)) values[name] = value.join('\n');
  }
  return { values, help, positionals: parsed.positionals };
}

/** parseArgs' messages, shortened to what the user typed and what to do. */
function usageMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
    return `unknown flag '${flag}' (see --help)`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(--?[^\s']+)/.exec(message)?.[1] ?? '';
    return `flag '${flag.split(' ')[0]}' needs a value (see --help)`;
  }
  return `${message} (see --help)`;
}
