import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandError, runCommand } from '../../src/exec/command.js';
import { clearSecrets, registerSecret } from '../../src/secrets/redact.js';
import { REPO_ROOT } from '../support/run-action.js';

describe('runCommand', () => {
  afterEach(clearSecrets);

  it('captures output and decides on the exit code', async () => {
    const ok = await runCommand('bash', ['-c', 'echo out; echo err >&2']);
    expect(ok).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    await expect(runCommand('bash', ['-c', 'echo boom >&2; exit 3'])).rejects.toThrow(
      /bash -c failed with exit code 3: boom/,
    );
    const allowed = await runCommand('bash', ['-c', 'exit 4'], { allowFailure: true });
    expect(allowed.code).toBe(4);
  });

  it('feeds stdin and redacts registered secrets from output and errors', async () => {
    registerSecret('hunter2-password');
    const echoed = await runCommand('cat', [], { input: 'pw: hunter2-password' });
    expect(echoed.stdout).toBe('pw: ***');
    const error = await runCommand('bash', ['-c', 'echo "bad hunter2-password" >&2; exit 1']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('keeps action inputs and runner tokens out of the child environment', async () => {
    const env = {
      PATH: process.env.PATH,
      'INPUT_SECRET-VALUES': 'db: {password: s3cr3t-in-env}',
      INPUT_RELEASE: 'web',
      ACTIONS_RUNTIME_TOKEN: 'runtime-token-x',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token-y',
      KUBECONFIG: '/tmp/kubeconfig',
    };
    const { stdout } = await runCommand('env', [], { env });
    expect(stdout).toContain('KUBECONFIG=/tmp/kubeconfig');
    expect(stdout).not.toMatch(/INPUT_|s3cr3t|ACTIONS_|runtime-token|oidc-token/);
  });

  it('kills a child that outlives its timeout', async () => {
    await expect(runCommand('sleep', ['10'], { timeoutMs: 200 })).rejects.toThrow(
      /timed out after 200 ms/,
    );
  });

  it('forwards SIGTERM to the running child and reports the cancellation', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'test/fixtures/forward-signal.ts')],
      {
        cwd: REPO_ROOT,
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready') && !child.killed) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(out).toContain('child-got-term');
    expect(out).toContain('CancelledError: bash -c stopped: the run was cancelled (SIGTERM)');
    expect(code).toBe(143);
  });
});
