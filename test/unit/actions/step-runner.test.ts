// The action runner at its edge (@actions/core mocked): secrets masked before
// anything is parsed, outputs and summary from the step, a failed result as
// the step's failure, and a thrown error's stack in the debug log.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const core = vi.hoisted(() => ({
  inputs: {} as Record<string, string>,
  calls: [] as string[][],
}));

vi.mock('@actions/core', () => {
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      core.calls.push([name, ...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))]);
  return {
    getInput: (name: string) => core.inputs[name] ?? '',
    getState: () => '',
    saveState: () => {},
    info: record('info'),
    debug: record('debug'),
    warning: record('warning'),
    notice: record('notice'),
    error: record('error'),
    setOutput: record('setOutput'),
    setFailed: record('setFailed'),
    setSecret: record('setSecret'),
    summary: { addRaw: (text: string) => ({ write: async () => record('summary')(text) }) },
  };
});

const { actionStep } = await import('../../../src/actions/kit/step-runner.js');
const { runAction } = await import('../../../src/actions/kit/runtime.js');
const { clearSecrets } = await import('../../../src/secrets/redact.js');
import type { Step } from '../../../src/step/step.js';

interface Settings {
  name: string;
  password: string;
}

function step(
  over: Partial<Step<Settings, { passed: boolean }>> = {},
): Step<Settings, { passed: boolean }> {
  return {
    action: 'rollback',
    secretInputs: ['password'],
    parse: (read) => ({
      settings: { name: read('name'), password: read('password') },
      secrets: ['derived-secret'],
    }),
    run: async (s, ctx) => {
      ctx.log(`hello ${s.name} ${s.password} derived-secret`);
      return { passed: s.name === 'good' };
    },
    outputs: (r) => ({ passed: String(r.passed) }),
    ok: (r) => r.passed,
    detail: (r) => (r.passed ? 'fine' : 'the check failed'),
    summary: () => '## summary',
    ...over,
  };
}

async function run(main: () => Promise<void>): Promise<void> {
  runAction(main);
  // runAction does not return its promise: let it settle.
  await new Promise((r) => setTimeout(r, 20));
}

beforeEach(() => {
  core.calls = [];
  clearSecrets();
});

describe('actionStep', () => {
  it('masks secret inputs and parsed secrets, sets outputs and the summary', async () => {
    core.inputs = { name: 'good', password: 'hunter2' };
    await run(actionStep(step()));
    expect(core.calls).toContainEqual(['setSecret', 'hunter2']);
    expect(core.calls).toContainEqual(['setSecret', 'derived-secret']);
    expect(core.calls).toContainEqual(['info', 'hello good *** ***']);
    expect(core.calls).toContainEqual(['setOutput', 'passed', 'true']);
    expect(core.calls).toContainEqual(['summary', '## summary']);
    expect(core.calls.filter(([c]) => c === 'setFailed')).toEqual([]);
  });

  it('fails the step with its failure words and no stack trace', async () => {
    core.inputs = { name: 'bad', password: 'hunter2' };
    await run(actionStep(step()));
    expect(core.calls).toContainEqual(['setOutput', 'passed', 'false']);
    expect(core.calls).toContainEqual(['setFailed', 'the check failed']);
    expect(core.calls.filter(([c]) => c === 'debug')).toEqual([]);
  });

  it('shows a thrown error with its stack in the debug log, redacted', async () => {
    core.inputs = { name: 'good', password: 'hunter2' };
    const thrower = step({
      run: async () => {
        throw new Error('cluster unreachable with hunter2');
      },
    });
    await run(actionStep(thrower));
    expect(core.calls).toContainEqual(['setFailed', 'cluster unreachable with ***']);
    const debug = core.calls.filter(([c]) => c === 'debug').map(([, text]) => text);
    expect(debug).toHaveLength(1);
    expect(debug[0]).toMatch(/^Error: cluster unreachable with \*\*\*\n\s+at /);
    expect(core.calls.filter(([c]) => c === 'setOutput')).toEqual([]);
  });
});
