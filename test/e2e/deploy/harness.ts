// Runs the bundled deploy/rollback actions against the e2e cluster the way the
// runner does, with a `helm` wrapper first on PATH that records the argv of
// every helm process (and the mode of each values file it was given).
import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { parseRecordLabels, type ReleaseRecords } from '../../../src/release/records.js';
import { runCommand } from '../../../src/exec/command.js';
import { kubeconfig } from '../support.js';
import { REPO_ROOT, runAction, type ActionRun } from '../../support/run-action.js';
import { toolPath, TOOLS_BIN } from '../../support/tools.js';

export { kubeconfig };

export async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await runCommand(toolPath('kubectl'), ['--kubeconfig', kubeconfig(), ...args], {
    input,
    timeoutMs: 120_000,
  });
  return r.stdout;
}

export async function helm(args: string[], bin = 'helm'): Promise<string> {
  const r = await runCommand(toolPath(bin), [...args, '--kubeconfig', kubeconfig()], {
    timeoutMs: 300_000,
  });
  return r.stdout;
}

export interface Revision {
  revision: number;
  status: string;
  description: string;
  updated: string;
}

export async function history(release: string, namespace: string): Promise<Revision[]> {
  const r = await runCommand(
    toolPath('helm'),
    ['history', release, '-n', namespace, '-o', 'json', '--kubeconfig', kubeconfig()],
    { allowFailure: true },
  );
  return r.code === 0 ? (JSON.parse(r.stdout) as Revision[]) : [];
}

/** Our labels on helm's release records (the storage Secrets), as the actions read them. */
export async function records(release: string, namespace: string): Promise<ReleaseRecords> {
  const out = await kubectl([
    'get',
    'secrets',
    '-n',
    namespace,
    '-l',
    `owner=helm,name=${release}`,
    '-o',
    'jsonpath={range .items[*]}{.metadata.labels}{"\\n"}{end}',
  ]);
  return parseRecordLabels(
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, string>),
  );
}

/** Revisions recorded as verified, oldest first. */
export async function verifiedRevisions(release: string, namespace: string): Promise<number[]> {
  const r = await records(release, namespace);
  return [...r.marks]
    .filter(([, m]) => m.verified && !m.rejected)
    .map(([revision]) => revision)
    .sort((a, b) => a - b);
}

/**
 * Leaves a release stuck the way a cancelled run does: `helm upgrade --wait`
 * on pods that never get ready, killed outright (SIGKILL) once helm has
 * recorded the pending revision.
 */
export async function leaveReleasePending(o: {
  release: string;
  namespace: string;
  workspace: string;
  install?: boolean;
}): Promise<void> {
  const helm = spawn(
    toolPath('helm'),
    [
      'upgrade',
      o.release,
      `${o.workspace}/chart/hotswap`,
      ...(o.install ? ['--install'] : []),
      '-n',
      o.namespace,
      '-f',
      `${o.workspace}/chart/environments/dev.yaml`,
      '--set',
      'podAnnotations.hotswap\\.dev/simulate=not-ready',
      '--wait=watcher',
      '--timeout',
      '5m',
      '--kubeconfig',
      kubeconfig(),
    ],
    { stdio: 'ignore' },
  );
  const pending = o.install ? 'pending-install' : 'pending-upgrade';
  const deadline = Date.now() + 60_000;
  while ((await history(o.release, o.namespace)).at(-1)?.status !== pending) {
    if (Date.now() > deadline) throw new Error(`release ${o.release} never reached ${pending}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  helm.kill('SIGKILL');
  await new Promise((r) => helm.once('close', r));
}

export interface ClusterState {
  /** One JSON line per release (name, namespace, revision, status, updated). */
  releases: string[];
  namespaces: string[];
  /** helm's release Secrets, namespace/name. */
  secrets: string[];
}

/** What the cluster looks like from helm and kubectl: compared before and after a rejected run. */
export async function clusterState(): Promise<ClusterState> {
  const releases = JSON.parse(
    await helm([
      'list',
      '-A',
      '--deployed',
      '--failed',
      '--pending',
      '--superseded',
      '--uninstalling',
      '-o',
      'json',
    ]),
  ) as Record<string, string>[];
  const namespaces = await kubectl([
    'get',
    'namespaces',
    '-o',
    'jsonpath={.items[*].metadata.name}',
  ]);
  const secrets = await kubectl([
    'get',
    'secrets',
    '-A',
    '-l',
    'owner=helm',
    '-o',
    'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}',
  ]);
  return {
    releases: releases.map((r) => JSON.stringify(r)),
    namespaces: namespaces.split(' ').filter(Boolean),
    secrets: secrets.split(' ').filter(Boolean),
  };
}

/**
 * Nothing was added or changed since `before`. Removals are tolerated: other
 * test files delete their namespaces in the background while this one runs.
 */
export async function expectClusterUnchanged(before: ClusterState): Promise<void> {
  const after = await clusterState();
  const added = (key: keyof ClusterState) => after[key].filter((x) => !before[key].includes(x));
  expect({
    releases: added('releases'),
    namespaces: added('namespaces'),
    secrets: added('secrets'),
  }).toEqual({
    releases: [],
    namespaces: [],
    secrets: [],
  });
}

/** A workspace holding the repository's chart and the test charts, as a checkout would. */
export function makeWorkspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-ws-'));
  cpSync(path.join(REPO_ROOT, 'chart'), path.join(dir, 'chart'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'test/fixtures/charts'), path.join(dir, 'test-charts'), {
    recursive: true,
  });
  return dir;
}

export interface RecordingPath {
  binDir: string;
  argvLog: string;
}

/** A directory with `helm` and `helm3` wrappers that log argv, then exec the real binaries. */
export function recordingHelm(): RecordingPath {
  const binDir = mkdtempSync(path.join(tmpdir(), 'helm-rec-'));
  const argvLog = path.join(binDir, 'argv.log');
  writeFileSync(argvLog, '');
  for (const name of ['helm', 'helm3']) {
    const wrapper = path.join(binDir, name);
    writeFileSync(
      wrapper,
      `#!/usr/bin/env bash
{ printf 'ARGV'; for a in "$@"; do printf ' %q' "$a"; done; printf '\\n'
  prev=''; for a in "$@"; do
    if [ "$prev" = "-f" ] && [ -f "$a" ]; then printf 'FILE %s %s\\n' "$(stat -c %a "$a")" "$a"; fi
    prev="$a"; done; } >> ${JSON.stringify(argvLog)}
exec ${JSON.stringify(path.join(TOOLS_BIN, name))} "$@"
`,
    );
    chmodSync(wrapper, 0o755);
  }
  return { binDir, argvLog };
}

export interface DeployRun extends ActionRun {
  argv: string;
}

export async function runDeployAction(
  action: 'deploy' | 'rollback' | 'smoke-test',
  inputs: Record<string, string>,
  {
    workspace,
    rec = recordingHelm(),
    env = {},
    onSpawn,
  }: {
    workspace: string;
    rec?: RecordingPath;
    env?: Record<string, string>;
    onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  },
): Promise<DeployRun> {
  mkdirSync(workspace, { recursive: true });
  const run = await runAction(action, {
    inputs: { kubeconfig: kubeconfig(), ...inputs },
    workspace,
    env: { PATH: `${rec.binDir}:${TOOLS_BIN}:${process.env.PATH}`, ...env },
    onSpawn,
  });
  return { ...run, argv: existsSync(rec.argvLog) ? readFileSync(rec.argvLog, 'utf8') : '' };
}

/**
 * A namespace of its own holding `release`, deployed healthy from the dev
 * values before the file's tests (removed after them): the good revision the
 * tests upgrade over. `base` is the deploy's inputs, for the tests to extend.
 */
export function goodReleaseFixture(o: { prefix: string; release: string; dbPassword: string }) {
  const namespace = `${o.prefix}-${process.pid}`;
  const workspace = makeWorkspace();
  const base = {
    release: o.release,
    chart: 'chart/hotswap',
    namespace,
    'values-files': 'chart/environments/dev.yaml',
    'secret-values': `postgresql:\n  auth:\n    password: ${o.dbPassword}`,
    diff: 'false',
    timeout: '2m',
  };
  beforeAll(async () => {
    await kubectl(['create', 'namespace', namespace]);
    const first = await runDeployAction('deploy', base, { workspace });
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs.status).toBe('deployed');
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  });
  return { namespace, workspace, base };
}
