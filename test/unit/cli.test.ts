// The CLI's pure parts: flags from action.yml, defaults as the runner fills
// them, per-step flags of the pipeline, and the phase table.
import { describe, expect, it } from 'vitest';
import { inputReader, loadActionSpec, type ActionSpec } from '../../src/cli/action-inputs.js';
import { parseFlags } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/exit-codes.js';
import { commandHelp, firstSentence, mainHelp, wrap } from '../../src/cli/help.js';
import { lintCommand } from '../../src/cli/commands/lint.js';
import { splitFlags } from '../../src/cli/pipeline.js';
import { createProgress, renderTable } from '../../src/cli/progress.js';

const spec = (name: string, inputs: [string, string?][]): ActionSpec => ({
  name,
  description: '',
  outputs: [],
  inputs: inputs.map(([n, d]) => ({ name: n, description: '', default: d, required: false })),
});

describe('action inputs as flags', () => {
  it('reads the inputs and defaults of a real action.yml', () => {
    const smoke = loadActionSpec('smoke-test');
    expect(smoke.inputs.map((i) => i.name)).toEqual(
      expect.arrayContaining(['target', 'url', 'health-path']),
    );
    expect(smoke.outputs).toEqual(['passed', 'report']);
  });

  it('fills defaults as the runner does, given values first, trimmed', () => {
    const read = inputReader(spec('x', [['a', 'one'], ['b']]), { b: ' two ' });
    expect(read('a')).toBe('one');
    expect(read('b')).toBe('two');
    expect(read('unknown')).toBe('');
  });

  it('joins a repeated flag with a newline (multi-line inputs)', () => {
    const parsed = parseFlags(
      ['--values-files', 'a.yaml', '--values-files=b.yaml'],
      ['values-files'],
    );
    expect(parsed.values['values-files']).toBe('a.yaml\nb.yaml');
  });

  it('rejects an unknown flag and a missing value as usage errors', () => {
    expect(() => parseFlags(['--nope', 'x'], ['a'])).toThrow(UsageError);
    expect(() => parseFlags(['--nope', 'x'], ['a'])).toThrow("unknown flag '--nope'");
    expect(() => parseFlags(['--a'], ['a'])).toThrow("flag '--a' needs a value");
  });
});

describe('help', () => {
  const flat = (text: string) => text.replace(/\s+/g, ' ');

  it("prints every flag's whole description, examples included", () => {
    const lint = loadActionSpec('lint');
    const help = flat(commandHelp(lint, undefined, undefined, lintCommand.flags));
    for (const input of lint.inputs) expect(help).toContain(flat(input.description));
    expect(help).toContain(
      'Target Kubernetes versions (e.g. `1.36`, `v1.34.4`), comma-separated. Supported minors:',
    );
    expect(help).toMatch(/Flags of the command line only: --format <value> \(default: "text"\)/);
  });

  it('wraps descriptions to 100 columns under the flag', () => {
    const help = commandHelp(loadActionSpec('lint'));
    for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(wrap('aa bb cc', 8, '  ')).toBe('  aa bb\n  cc');
  });

  it('ends a summary sentence at a full stop, not at e.g. or i.e.', () => {
    expect(firstSentence('Versions (e.g. `1.36`), i.e. minors. More.')).toBe(
      'Versions (e.g. `1.36`), i.e. minors.',
    );
    expect(mainHelp()).toMatch(/^ {2}lint +Validates a Helm chart/m);
  });
});

describe('pipeline flags', () => {
  const specs = [
    spec('deploy', [['timeout'], ['release']]),
    spec('smoke-test', [['timeout'], ['url']]),
  ];

  it('sends a shared flag to every step that has the input, a scoped one to its step only', () => {
    const steps = splitFlags(specs, {
      timeout: '60s',
      'smoke-test.timeout': '10s',
      release: 'r',
      url: 'http://x',
    });
    expect(steps.get('deploy')).toEqual({ timeout: '60s', release: 'r' });
    expect(steps.get('smoke-test')).toEqual({ timeout: '10s', url: 'http://x' });
  });
});

describe('progress', () => {
  it('times each phase and tabulates the results', async () => {
    let t = 0;
    const lines: string[] = [];
    const progress = createProgress(
      (text) => lines.push(text),
      () => t,
    );
    await progress.phase('deploy', async (log) => {
      log('helm upgrade');
      t += 2500;
      return { ok: true };
    });
    await expect(
      progress.phase('smoke-test', async () => {
        t += 1000;
        throw new Error('health failed\nsecond line');
      }),
    ).rejects.toThrow('health failed');
    expect(lines.join('')).toMatch(/▶ deploy\n.*helm upgrade\n.*✔ deploy: ok in 2\.5s\n/);
    expect(lines.join('')).toMatch(/✘ smoke-test: failed \(health failed\) in 1\.0s/);
    const table = renderTable(progress.records);
    expect(table.split('\n')[0]).toMatch(/^phase\s+result\s+time\s+detail$/);
    expect(table).toMatch(/^deploy\s+ok\s+2\.5s$/m);
    expect(table).toMatch(/^smoke-test\s+failed\s+1\.0s\s+health failed$/m);
  });
});
