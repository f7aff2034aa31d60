// hotswap-ci as a script uses it: the bin shim run as a process, its exit
// codes, its stdout outputs, and the same input errors as the actions' bundles.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { startStandIn, type StandIn } from '../support/stand-in.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  onStderr?: (text: string, child: import('node:child_process').ChildProcess) => void,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'hotswap-ci.mjs'), ...args],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** 9 levels of 9 aliases: a few hundred bytes that expand to 9^9 leaves. */
function aliasBomb(): string {
  let text = `l0: &l0 [${Array(9).fill('lol').join(', ')}]\n`;
  for (let i = 1; i <= 9; i++)
    text += `l${i}: &l${i} [${Array(9)
      .fill(`*l${i - 1}`)
      .join(', ')}]\n`;
  return text;
}

let standIn: StandIn;
beforeAll(async () => {
  standIn = await startStandIn();
});
afterAll(async () => {
  await standIn?.stop();
});

describe('hotswap-ci', () => {
  it('lists the commands with no arguments (exit 2) and with --help (exit 0)', async () => {
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['setup', 'lint', 'deploy', 'smoke-test', 'rollback', 'pipeline']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
  });

  it("shows a command's flags from its action.yml", async () => {
    const r = await cli(['smoke-test', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--target <value> \(default: "url"\)/);
    expect(r.stdout).toMatch(/--health-path <value>/);
    expect(r.stdout).toMatch(/Outputs \(stdout, name=value\): passed, report/);
  });

  it('rejects an unknown command or flag with exit 2', async () => {
    const command = await cli(['deploi']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'deploi'/);
    const flag = await cli(['deploy', '--relase', 'x']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown flag '--relase'/);
    const missing = await cli(['deploy', '--release']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/flag '--release' needs a value/);
  });

  it('rejects bad input with exit 2 and the same message as the action', async () => {
    const inputs = { release: 'Bad_Name', chart: 'chart/hotswap', namespace: 'staging' };
    const r = await cli(['deploy', ...Object.entries(inputs).flatMap(([k, v]) => [`--${k}`, v])]);
    expect(r.code).toBe(2);
    const action = await runAction('deploy', { inputs });
    expect(action.code).toBe(1);
    const message = /::error::(Invalid input .*)/.exec(action.stdout)?.[1];
    expect(message).toMatch(/^Invalid input 'release': "Bad_Name"\. Expected a helm release name/);
    expect(r.stderr).toContain(`error: ${message}`);
  });

  it.each([
    ['secret-values', { 'secret-values': aliasBomb() }, /too many aliases/],
    ['set', { set: '--post-renderer=/bin/sh' }, /the key a helm value path/],
  ])('stops bad %s at once with exit 2, as the action does', async (input, bad, why) => {
    const inputs = { release: 'web', chart: 'chart/hotswap', namespace: 'staging', ...bad };
    const started = Date.now();
    // --flag=value: a value may start with '--'.
    const r = await cli(['deploy', ...Object.entries(inputs).map(([k, v]) => `--${k}=${v}`)]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`error: Invalid input '${input}'`));
    expect(r.stderr).toMatch(why);
    const action = await runAction('deploy', { inputs });
    expect(action.code).toBe(1);
    expect(action.stdout).toMatch(new RegExp(`::error::Invalid input '${input}'.*${why.source}`));
  });

  it('smoke-tests a running service: progress on stderr, outputs on stdout, exit 0', async () => {
    const r = await cli([
      'smoke-test',
      '--url',
      standIn.url,
      '--metrics-url',
      standIn.metricsUrl,
      '--health-fields',
      'status=Healthy',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^passed=true$/m);
    const report = JSON.parse(/^report=(.*)$/m.exec(r.stdout)![1]!) as {
      checks: { name: string; passed: boolean }[];
    };
    expect(report.checks.map((c) => c.passed)).toEqual([true, true]);
    expect(r.stderr).toMatch(/▶ smoke-test/);
    expect(r.stderr).toMatch(/✔ smoke-test: ok \(health 200, metrics 200\) in \d+\.\ds/);
  });

  it('pipeline: the flags of every step, shared or scoped to one step', async () => {
    const help = await cli(['pipeline', '--help']);
    expect(help.code).toBe(0);
    for (const step of ['lint', 'deploy', 'smoke-test', 'rollback']) {
      expect(help.stdout).toContain(`Flags of ${step}:`);
    }
    const unknown = await cli(['pipeline', '--deploy.bogus', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown flag '--deploy.bogus'/);
    // A scoped flag reaches its step: lint rejects it before anything runs.
    const bad = await cli(['pipeline', '--lint.concurrency', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Invalid input 'concurrency': "many"/);
    expect(bad.stderr).toMatch(/^lint\s+failed/m);
  });

  it('exits 1 when the step fails', async () => {
    const r = await cli([
      'smoke-test',
      '--url',
      'http://127.0.0.1:1',
      '--timeout',
      '2s',
      '--check-timeout',
      '1s',
      '--check-metrics',
      'false',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^passed=false$/m);
    expect(r.stderr).toMatch(/✘ smoke-test: failed/);
  });

  it('exits 130 on Ctrl-C', async () => {
    // A service that never answers keeps the smoke test busy until the signal.
    const hanging = await startStandIn({ env: { HANG: 'true' } });
    try {
      let sent = false;
      const r = await cli(
        [
          'smoke-test',
          '--url',
          hanging.url,
          '--timeout',
          '60s',
          '--check-timeout',
          '30s',
          '--check-metrics',
          'false',
        ],
        (text, child) => {
          if (!sent && text.includes('▶ smoke-test')) {
            sent = true;
            setTimeout(() => child.kill('SIGINT'), 500);
          }
        },
      );
      expect(r.code, r.stderr).toBe(130);
    } finally {
      await hanging.stop();
    }
  });
});
