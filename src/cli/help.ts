// --help text, made from the same action.yml files the flags come from.
import { loadActionSpec, type ActionSpec, type InputSpec } from './action-inputs.js';
import { COMMANDS } from './commands/index.js';
import { PIPELINE_DESCRIPTION } from './pipeline.js';

const EXITS = [
  'Exit codes: 0 ok, 1 failed, 2 bad usage or input (also a namespace, kube-context, release or',
  'revision the cluster does not have), 130 interrupted.',
].join('\n');

export function mainHelp(): string {
  const rows = [
    ...COMMANDS.map((c) => [
      c.name,
      firstSentence((c.spec ?? safeSpec(c.action))?.description ?? ''),
    ]),
    ['pipeline', firstSentence(PIPELINE_DESCRIPTION)],
  ];
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return [
    'Usage: hotswap-ci <command> [--flag value ...]',
    '',
    'The delivery actions from a terminal: the same modules, flags named as the action inputs.',
    '',
    'Commands:',
    ...rows.map(([name, text]) => `  ${name!.padEnd(width)}  ${text}`),
    '',
    "Run 'hotswap-ci <command> --help' for a command's flags.",
    'Progress goes to stderr; the outputs, as name=value lines, to stdout.',
    EXITS,
    '',
  ].join('\n');
}

export function commandHelp(
  spec: ActionSpec,
  usage = `hotswap-ci ${spec.name}`,
  notes?: string,
  cliFlags: readonly InputSpec[] = [],
): string {
  return [
    `Usage: ${usage} [--flag value ...]`,
    '',
    wrap(spec.description, WIDTH, ''),
    '',
    ...(notes ? [notes, ''] : []),
    'Flags (a flag given twice is joined by a newline, for multi-line inputs):',
    ...flagLines(spec),
    '',
    ...(cliFlags.length
      ? ['Flags of the command line only:', ...flagLines({ ...spec, inputs: [...cliFlags] }), '']
      : []),
    spec.outputs.length ? `Outputs (stdout, name=value): ${spec.outputs.join(', ')}` : '',
    EXITS,
    '',
  ].join('\n');
}

export function flagLines(spec: ActionSpec, prefix = ''): string[] {
  if (spec.inputs.length === 0) return ['  (none yet)'];
  return spec.inputs.map((i) => {
    const extra = i.required
      ? ' (required)'
      : i.default
        ? ` (default: ${JSON.stringify(i.default)})`
        : '';
    // The whole description: its examples and limits are what a user needs.
    return `  --${prefix}${i.name} <value>${extra}\n${wrap(i.description, WIDTH, '      ')}`;
  });
}

function safeSpec(action: string): ActionSpec | undefined {
  try {
    return loadActionSpec(action);
  } catch {
    return undefined;
  }
}

/** Up to the first full stop that ends a sentence (not the one of `e.g.` or `i.e.`). */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/(?<!\b(?:e\.g|i\.e|etc|vs))\.(\s|$)/);
  return end === -1 ? flat : flat.slice(0, end + 1);
}

const WIDTH = 100;

/** Reflows text into lines of at most `width` characters (a longer word keeps its own line). */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}
