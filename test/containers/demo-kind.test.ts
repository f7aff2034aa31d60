// `npm run demo` on a machine with a Docker engine and the offline kind node
// image: it picks kind on its own and says why, runs the chart's real pods (no
// stand-in process on the host), the broken version really crash-loops (exit
// code 1 from the container) and is rolled back, the table shows the times,
// and everything it made (the cluster, its container, the image tags) is gone,
// also when Ctrl-C stops it mid-deploy.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { docker, engineUp, listed, nodeImageArchive } from '../support/docker.js';
import { REPO_ROOT } from '../support/run-action.js';

let workdir: string;

beforeAll(() => {
  engineUp();
  // Loads the cached node image onto the engine (or builds it on a cold machine).
  nodeImageArchive();
  workdir = mkdtempSync(path.join(tmpdir(), 'hotswap-demo-kind-'));
});
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

/** Runs the demo in its own process group; `interruptAt` sends it SIGINT, as Ctrl-C does. */
function runDemo(
  env: Record<string, string>,
  interruptAt?: RegExp,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    // Interrupted: the demo script itself, as demo-interrupt.test.ts does (npm in
    // between would take the signal too); otherwise what a user runs.
    const [command, args] = interruptAt
      ? [process.execPath, ['--import', 'tsx', 'scripts/demo.ts']]
      : ['npm', ['run', '-s', 'demo']];
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let sent = false;
    const collect = (d: Buffer) => {
      out += d.toString();
      if (interruptAt && !sent && interruptAt.test(out)) {
        sent = true;
        process.kill(-child.pid!, 'SIGINT');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Nothing of the demo's cluster left on the engine or in its workdir. */
function expectNothingLeft(name: string): void {
  expect(listed('container', `label=io.x-k8s.kind.cluster=${name}`)).toEqual([]);
  expect(docker(['images', '--format', '{{.Repository}}:{{.Tag}}', `hotswap-demo/${name}`])).toBe(
    '',
  );
  expect(readdirSync(workdir)).toEqual([]);
}

test('picks kind, crash-loops the broken version for real, rolls it back, removes everything', async () => {
  const name = `demo-kind-${process.pid}`;
  const { code, out } = await runDemo({
    HOTSWAP_DEMO_NAME: name,
    HOTSWAP_DEMO_WORKDIR: workdir,
    HOTSWAP_DEMO_ENGINE: '',
  });
  expect(code, out).toBe(0);
  expect(out).toMatch(
    /Cluster: kind \(real pods\), because a Docker engine answers and the offline node image/,
  );
  // Real pods answer the smoke tests: no stand-in process on the host.
  expect(out).not.toMatch(/stand-in HotSwap API on 127\.0\.0\.1/);
  expect(out).toMatch(/loaded into the kind node: hotswap-demo\//);
  // The kubelet's own account of the crash: the container exited 1 and was restarted.
  expect(out).toMatch(
    /Deploy failed: revision 2 failed: Pod\/hotswap-\S+ CrashLoopBackOff: container api restarted \d+ times? \(last exit code 1, Error\)/,
  );
  expect(out).toMatch(/revision 3: deployed .* Rollback to 1/);
  // The table, with the time of each phase.
  for (const phase of ['cluster \\(kind\\)', 'images', 'deploy staging 1\\.0\\.0', 'smoke-test'])
    expect(out).toMatch(new RegExp(`^${phase}\\s+ok\\s+\\d+\\.\\ds`, 'm'));
  expect(out).toMatch(/^deploy broken 1\.1\.0\s+rolled back\s+\d+\.\ds\s+revision 2 failed/m);
  expect(out).toContain('Demo passed');

  expectNothingLeft(name);
}, 1_200_000);

test('Ctrl-C while the broken version crash-loops: exit 130, the cluster and the image tags gone', async () => {
  const name = `demo-kind-intr-${process.pid}`;
  const { code, out } = await runDemo(
    { HOTSWAP_DEMO_NAME: name, HOTSWAP_DEMO_WORKDIR: workdir, HOTSWAP_DEMO_ENGINE: 'kind' },
    /Watching the rollout of revision 2/,
  );
  expect(code, out).toBe(130);
  expect(out).toMatch(/✘ deploy broken 1\.1\.0: interrupted/);
  expect(out).toMatch(/removing kind cluster/);
  expect(out).toContain('Demo interrupted; everything it created is removed.');
  expectNothingLeft(name);
}, 1_200_000);
