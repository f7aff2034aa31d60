// hotswap-ci as a script uses it: the bin shim run as a process, its exit
// codes, its stdout outputs, and the same input errors as the actions' bundles.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runAction } from '../support/run-action.js';
import { startStandIn, type StandIn } from '../support/stand-in.js';
import { tempDir } from '../support/temp-dir.js';
import { TOOLS_BIN } from '../support/tools.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  onStderr?: (text: string, child: import('node:child_process').ChildProcess) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'hotswap-ci.mjs'), ...args],
      {
        cwd: REPO_ROOT,
        env,
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

describe('hotswap-ci lint', () => {
  const FIXTURES = 'test/fixtures/lint';
  const withHelm = { ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH}` };
  const lint = (flags: Record<string, string>, extra: string[] = []) =>
    cli(
      ['lint', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), ...extra],
      undefined,
      withHelm,
    );
  const broken = {
    chart: `${FIXTURES}/web`,
    environments: 'latest-tag, bad-enum, dev',
    'values-files': `${FIXTURES}/environments/{env}.yaml`,
    'ci-values': 'false',
    policy: 'default: error',
  };
  /** `file:line` of the first line of a fixture file containing `text`. */
  const at = (file: string, text: string) => {
    const index = readFileSync(path.join(REPO_ROOT, file), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text));
    if (index < 0) throw new Error(`${text} not in ${file}`);
    return `${file}:${index + 1}`;
  };

  interface Json {
    result: string;
    outputs: Record<string, string>;
    sets: {
      name: string;
      result: string;
      errors: number;
      findings: { level: string; rule: string; file: string; line: number; message: string }[];
    }[];
  }

  it('prints every finding per values set with level, rule, file:line and message; json for tools', async () => {
    const [text, json] = await Promise.all([lint(broken), lint(broken, ['--format', 'json'])]);
    expect(text.code, text.stderr).toBe(1);
    expect(json.code, json.stderr).toBe(1);
    // text: outputs stay name=value lines on stdout; the findings follow the step's line on stderr
    expect(text.stdout).toMatch(/^result=fail$/m);
    const report = text.stderr.slice(text.stderr.indexOf('✘ lint: failed'));
    expect(report).toMatch(/^latest-tag: fail \(\d+ errors?, /m);
    expect(report).toMatch(/^bad-enum: fail \(\d+ errors?, /m);
    const latest = at(`${FIXTURES}/environments/latest-tag.yaml`, 'tag: latest');
    expect(report).toMatch(
      new RegExp(`^  error +policy/image-tag  ${latest}:\\d+  .*uses the latest tag`, 'm'),
    );
    const badEnum = at(`${FIXTURES}/environments/bad-enum.yaml`, 'pullPolicy: Sometimes');
    expect(report).toMatch(new RegExp(`^  error +helm lint.*  ${badEnum}(:\\d+)?  `, 'm'));

    const doc = JSON.parse(json.stdout) as Json;
    expect(doc.result).toBe('fail');
    expect(doc.outputs.result).toBe('fail');
    expect(doc.sets.map((s) => s.name)).toEqual(['latest-tag', 'bad-enum', 'dev']);
    const all = doc.sets.flatMap((s) => s.findings);
    expect(all.length).toBeGreaterThan(2);
    expect(doc.outputs.errors).toBe(
      String(
        new Set(
          all.filter((f) => f.level === 'error').map((f) => `${f.file}:${f.line}:${f.message}`),
        ).size,
      ),
    );
    // every finding of the json document is a line of the text report, under its set
    for (const set of doc.sets) {
      const section = report.slice(report.indexOf(`\n${set.name}: ${set.result}`));
      for (const f of set.findings) {
        expect(section).toMatch(
          new RegExp(
            `^  ${f.level} +${escape(f.rule)}  ${escape(f.file)}:${f.line}(:\\d+)?  ${escape(f.message.split('\n')[0]!)}$`,
            'm',
          ),
        );
      }
    }
  });

  it('lints the chart defaults when values-files is empty', async () => {
    const keep = path.join(tempDir('cli-manifests-'), 'kept');
    const r = await lint(
      {
        chart: `${FIXTURES}/web`,
        environments: 'production',
        'values-files': '',
        'ci-values': 'false',
        'manifests-dir': keep,
      },
      ['--format', 'json'],
    );
    expect(r.stderr).not.toMatch(/Invalid input/);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Json;
    expect(doc.sets).toEqual([
      { name: 'production', result: 'pass', errors: 0, warnings: 0, findings: [] },
    ]);
    // Kept where --manifests-dir says, and named by the outputs.
    const manifests = JSON.parse(doc.outputs.manifests!) as Record<string, Record<string, string>>;
    expect(Object.keys(manifests)).toEqual(['production']);
    expect(path.dirname(doc.outputs['manifests-dir']!)).toBe(keep);
    const [file] = Object.values(manifests.production!);
    expect(file!.startsWith(doc.outputs['manifests-dir']!)).toBe(true);
    expect(readFileSync(file!, 'utf8')).toContain('kind: Deployment');
  });

  it('leaves no rendered manifests behind without --manifests-dir', async () => {
    const tmp = tempDir('cli-tmpdir-');
    const r = await cli(
      [
        'lint',
        '--chart',
        `${FIXTURES}/web`,
        '--environments',
        'dev',
        '--values-files',
        '',
        '--ci-values',
        'false',
      ],
      undefined,
      { ...withHelm, TMPDIR: tmp },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^result=pass$/m);
    expect(r.stdout).not.toMatch(/^manifests(-dir)?=/m);
    // The command's own files (its temp dir, the lint manifests); tsx keeps its cache there too.
    expect(existsSync(tmp)).toBe(true);
    expect(readdirSync(tmp).filter((f) => f.startsWith('hotswap-'))).toEqual([]);
  });

  it('rejects an unknown format naming the flag', async () => {
    const r = await lint({ chart: `${FIXTURES}/web`, format: 'xml' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Invalid input 'format': "xml". Expected one of text, json.`);
  });

  it('--help prints whole descriptions', async () => {
    const r = await cli(['lint', '--help']);
    expect(r.code).toBe(0);
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain(
      'Target Kubernetes versions (e.g. `1.36`, `v1.34.4`), comma-separated. Supported minors: 1.36, 1.34. Each is passed to helm as --kube-version',
    );
    expect(flat).toContain('--format <value> (default: "text")');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
