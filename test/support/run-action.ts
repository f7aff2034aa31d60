// Runs a bundled action the way the GitHub runner does: a child `node` process
// with INPUT_* variables (defaults from action.yml filled in), and the runner's
// file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_PATH,
// GITHUB_STATE) read back afterwards. A `post` run gets the main run's state
// as STATE_* variables, as the runner hands it over.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { tempDir } from './temp-dir.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface ActionRunOptions {
  /** Inputs by their action.yml names; unset inputs get the action.yml default. */
  inputs?: Record<string, string>;
  /** Extra environment for the child (merged over a clean runner-like environment). */
  env?: Record<string, string>;
  /** `main` (default) or `post`. */
  phase?: 'main' | 'post';
  /** State saved by an earlier main run, for the post run. */
  state?: Record<string, string>;
  /** Directory that stands in for RUNNER_TEMP, RUNNER_TOOL_CACHE and friends; a fresh one when unset. */
  runnerDir?: string;
  /** GITHUB_WORKSPACE and the child's cwd; the repository root when unset. */
  workspace?: string;
  timeoutMs?: number;
  /** Called with the child once spawned (to send signals in tests). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Variables exported through GITHUB_ENV. */
  exportedEnv: Record<string, string>;
  /** Directories added through GITHUB_PATH. */
  addedPath: string[];
  state: Record<string, string>;
  runnerDir: string;
}

interface ActionYaml {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; main: string; post?: string };
}

/**
 * The node that runs a bundle: HOTSWAP_ACTION_NODE (the runtime the actions
 * declare, see scripts/node-runtime.sh and `npm run test:node24`), else this one.
 */
export function actionNode(): string {
  return process.env.HOTSWAP_ACTION_NODE || process.execPath;
}

export function loadActionYaml(actionDir: string): ActionYaml {
  return YAML.parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8')) as ActionYaml;
}

/** The runner's input name mangling: spaces become underscores, then upper case; dashes stay. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parses the runner's file-command format: `name=value` lines and `name<<DELIM` heredocs. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]!);
      if (i >= lines.length) throw new Error(`file command '${name}' has no closing delimiter`);
      result[name!] = body.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq < 1) throw new Error(`malformed file command line: ${line}`);
      result[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return result;
}

/** Environment a hosted runner gives a step, pointed at this run's directories. */
function runnerEnv(runnerDir: string, workspace: string): Record<string, string> {
  const keep = [
    'PATH',
    'HOME',
    'LANG',
    'TMPDIR',
    'HOTSWAP_TOOLS_CACHE',
    'GOPATH',
    'GOCACHE',
    'GOMODCACHE',
  ];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return {
    ...env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'hotswap/hotswap',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '1',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_JOB: 'test',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: path.join(runnerDir, 'temp'),
    RUNNER_TOOL_CACHE: path.join(runnerDir, 'tool-cache'),
    GITHUB_OUTPUT: path.join(runnerDir, 'files', 'output'),
    GITHUB_STEP_SUMMARY: path.join(runnerDir, 'files', 'summary'),
    GITHUB_ENV: path.join(runnerDir, 'files', 'env'),
    GITHUB_PATH: path.join(runnerDir, 'files', 'path'),
    GITHUB_STATE: path.join(runnerDir, 'files', 'state'),
  };
}

/**
 * The runner evaluates expressions in input defaults. The only one our
 * actions use is `${{ github.token }}`, which is the job's GITHUB_TOKEN.
 */
function evaluateDefault(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
    if (expression === 'github.token') return env.GITHUB_TOKEN ?? '';
    throw new Error(`run-action: unsupported expression in an input default: ${expression}`);
  });
}

/** Runs `actions/<name>` (or an action directory) as the runner would. */
export async function runAction(
  nameOrDir: string,
  options: ActionRunOptions = {},
): Promise<ActionRun> {
  const actionDir = path.isAbsolute(nameOrDir)
    ? nameOrDir
    : path.join(REPO_ROOT, 'actions', nameOrDir);
  const meta = loadActionYaml(actionDir);
  const phase = options.phase ?? 'main';
  const entry = phase === 'main' ? meta.runs.main : meta.runs.post;
  if (!entry) throw new Error(`${actionDir}/action.yml has no runs.${phase}`);

  const runnerDir = options.runnerDir ?? tempDir('runner-');
  for (const dir of ['temp', 'tool-cache', 'files'])
    mkdirSync(path.join(runnerDir, dir), { recursive: true });
  const workspace = options.workspace ?? REPO_ROOT;
  const env = runnerEnv(runnerDir, workspace);
  // Each step starts with empty file-command files, as on the runner.
  for (const file of [
    'GITHUB_OUTPUT',
    'GITHUB_STEP_SUMMARY',
    'GITHUB_ENV',
    'GITHUB_PATH',
    'GITHUB_STATE',
  ]) {
    writeFileSync(env[file]!, '');
  }

  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    const given = options.inputs?.[name];
    env[inputEnvName(name)] = given ?? evaluateDefault(spec.default ?? '', options.env ?? {});
  }
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in (meta.inputs ?? {})))
      throw new Error(`action ${nameOrDir} has no input '${name}'`);
  }
  for (const [k, v] of Object.entries(options.state ?? {})) env[`STATE_${k}`] = v;
  Object.assign(env, options.env);

  const child = spawn(actionNode(), [path.join(actionDir, entry)], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10 * 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);

  const read = (file: string) => readFileSync(env[file]!, 'utf8');
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommands(read('GITHUB_OUTPUT')),
    summary: read('GITHUB_STEP_SUMMARY'),
    exportedEnv: parseFileCommands(read('GITHUB_ENV')),
    addedPath: read('GITHUB_PATH').split('\n').filter(Boolean),
    state: { ...options.state, ...parseFileCommands(read('GITHUB_STATE')) },
    runnerDir,
  };
}
