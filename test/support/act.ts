// Runs a workflow of this repository with nektos/act in its self-hosted mode:
// every job runs on this machine, step by step as the GitHub runner would run
// it, with reusable workflows read from local paths and `./actions/<name>`
// resolved in the job's workspace. act emulates `actions/checkout` of the
// repository itself by copying the working directory (minus .gitignore'd
// files) into that workspace, without any network.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './run-action.js';
import { toolPath } from './tools.js';

export interface ActRunOptions {
  /** Workflow file relative to `directory`. */
  workflow: string;
  /** The repository act runs (its workspace and checkout); default this checkout. */
  directory?: string;
  /**
   * `--local-repository <owner>/<repo>@<ref>=<folder>`: what a `uses:` line of
   * that repository at that ref resolves to, instead of a download.
   */
  localRepositories?: Record<string, string>;
  /** Called with act's process once started (to send it a signal). */
  onSpawn?: (child: ChildProcess) => void;
  event?: string;
  inputs?: Record<string, string>;
  /** Secrets, handed over in a 0600 dotenv file, never on the command line. */
  secrets?: Record<string, string>;
  /** Directory for act's action cache and the runner tool cache (reused across runs). */
  cacheDir: string;
  timeoutMs?: number;
}

export interface ActRun {
  code: number | null;
  /** stdout and stderr interleaved, as a user would see them. */
  output: string;
  durationMs: number;
}

/** act from .tools/bin, or $HOTSWAP_ACT. */
export function actBinary(): string {
  return process.env.HOTSWAP_ACT ?? toolPath('act');
}

/** A dotenv value godotenv reads back verbatim: double-quoted, with escapes. */
function dotenvValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\$/g, '\\$')}"`;
}

export async function runAct(options: ActRunOptions): Promise<ActRun> {
  const work = mkdtempSync(path.join(tmpdir(), 'act-run-'));
  const secretFile = path.join(work, 'secrets.env');
  writeFileSync(
    secretFile,
    Object.entries(options.secrets ?? {})
      .map(([k, v]) => `${k}=${dotenvValue(v)}\n`)
      .join(''),
    { mode: 0o600 },
  );
  const args = [
    options.event ?? 'workflow_dispatch',
    '--workflows',
    options.workflow,
    '--directory',
    options.directory ?? REPO_ROOT,
    '--platform',
    'ubuntu-24.04=-self-hosted',
    '--platform',
    'ubuntu-latest=-self-hosted',
    '--secret-file',
    secretFile,
    '--action-cache-path',
    options.cacheDir,
    '--action-offline-mode',
    '--no-cache-server',
    '--verbose',
  ];
  for (const [k, v] of Object.entries(options.inputs ?? {})) args.push('--input', `${k}=${v}`);
  for (const [k, v] of Object.entries(options.localRepositories ?? {}))
    args.push('--local-repository', `${k}=${v}`);

  const started = Date.now();
  try {
    return await new Promise<ActRun>((resolve, reject) => {
      const child = spawn(actBinary(), args, {
        cwd: options.directory ?? REPO_ROOT,
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      options.onSpawn?.(child);
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => {
        // act and every step it started: the whole process group.
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      }, options.timeoutMs ?? 240_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output, durationMs: Date.now() - started });
      });
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `key=value` pairs of the line that starts with `marker`, from a run's output. */
export function resultLine(output: string, marker: string): Record<string, string> | undefined {
  const line = output
    .split('\n')
    .map((l) => l.replace(/^.*?\|\s?/, ''))
    .find((l) => l.startsWith(`${marker} `));
  if (!line) return undefined;
  return Object.fromEntries(
    line
      .slice(marker.length + 1)
      .split(' ')
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf('=');
        return [pair.slice(0, eq), pair.slice(eq + 1)];
      }),
  );
}

export interface ActStep {
  name: string;
  outcome: 'success' | 'failure';
  /** Outputs the step set (single-line values). */
  outputs: Record<string, string>;
}

/**
 * The main steps of the jobs whose log prefix starts with `job` (act prints
 * `[<caller job>/<workflow>/<job name>]`), in order, with outcome and outputs.
 * Skipped steps print no outcome line and are absent.
 */
export function stepOutputs(output: string, job: string): ActStep[] {
  const steps: ActStep[] = [];
  const outcome = /^\s+(?:✅|❌)\s+(Success|Failure) - Main (.+?) \[[^\]]*\]$/;
  const setOutput = /^\s+⚙\s+::set-output:: ([^=]+)=(.*)$/;
  for (const line of output.split('\n')) {
    if (!line.startsWith(`[${job}`)) continue;
    const rest = line.slice(line.indexOf(']') + 1);
    const done = outcome.exec(rest);
    if (done) {
      steps.push({
        name: done[2]!,
        outcome: done[1] === 'Success' ? 'success' : 'failure',
        outputs: {},
      });
      continue;
    }
    const out = setOutput.exec(rest);
    if (out && steps.length > 0) steps.at(-1)!.outputs[out[1]!] = out[2]!;
  }
  return steps;
}
