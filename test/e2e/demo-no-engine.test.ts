// `npm run demo` where no Docker engine answers: it says so, picks kwok, and
// runs the whole demo there (kwok plays the kubelet; a stand-in process on the
// host answers the smoke tests through the cluster's port-forward).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/run-action.js';

const workdir = mkdtempSync(path.join(tmpdir(), 'hotswap-demo-no-engine-'));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

test('without an engine: kwok, and why', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      // An engine address where nothing answers.
      DOCKER_HOST: `unix://${path.join(workdir, 'no-engine.sock')}`,
      HOTSWAP_DEMO_ENGINE: '',
      HOTSWAP_DEMO_NAME: `no-engine-${process.pid}`,
      HOTSWAP_DEMO_WORKDIR: workdir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code, out).toBe(0);
  expect(out).toMatch(
    /Cluster: kwok \(real control plane, simulated containers\), because no Docker engine answers \(.*no-engine\.sock/,
  );
  expect(out).toMatch(/stand-in HotSwap API on 127\.0\.0\.1/);
  expect(out).toMatch(/^deploy broken 1\.1\.0\s+rolled back/m);
  expect(out).toContain('Demo passed');
}, 600_000);
