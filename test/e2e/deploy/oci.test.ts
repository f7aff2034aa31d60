// A chart pulled from an OCI registry: a CNCF distribution registry on
// 127.0.0.1 (built from github.com/distribution/distribution/v3/cmd/registry;
// HOTSWAP_REGISTRY_BIN or .tools/bin/registry). The registry password reaches
// helm through stdin only, and the per-run registry config is removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/exec/command.js';
import { TOOLS_BIN, toolPath } from '../../support/tools.js';
import { history, kubectl, makeWorkspace, recordingHelm, runDeployAction } from './harness.js';

const registryBin = process.env.HOTSWAP_REGISTRY_BIN ?? path.join(TOOLS_BIN, 'registry');
const namespace = `oci-${process.pid}`;
let registry: ChildProcess | undefined;
let port = 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolve(p));
    });
  });
}

describe.skipIf(!existsSync(registryBin))('deploy: chart from an OCI registry', () => {
  beforeAll(async () => {
    port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'registry-'));
    const config = path.join(dir, 'config.yml');
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
    );
    registry = spawn(registryBin, ['serve', config], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/v2/`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('registry did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const pkg = mkdtempSync(path.join(tmpdir(), 'chart-pkg-'));
    await runCommand(toolPath('helm'), ['package', 'chart/hotswap', '-d', pkg]);
    const tgz = path.join(pkg, readdirSync(pkg)[0]!);
    await runCommand(toolPath('helm'), [
      'push',
      tgz,
      `oci://127.0.0.1:${port}/charts`,
      '--plain-http',
    ]);
    await kubectl(['create', 'namespace', namespace]);
  });

  afterAll(async () => {
    registry?.kill('SIGTERM');
    await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  });

  it('logs in through stdin, pulls the chart by version and deploys it', async () => {
    const password = 'registry-Pa55-word-0c1d';
    const rec = recordingHelm();
    const run = await runDeployAction(
      'deploy',
      {
        release: 'from-oci',
        chart: `oci://127.0.0.1:${port}/charts/hotswap`,
        'chart-version': '0.1.0',
        'registry-username': 'ci',
        'registry-password': password,
        'registry-plain-http': 'true',
        namespace,
        'values-files': 'chart/environments/dev.yaml',
      },
      { workspace: makeWorkspace(), rec },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('deployed');
    expect(run.argv).toMatch(
      /^ARGV registry login 127\.0\.0\.1:\d+ --username ci --password-stdin --plain-http/m,
    );
    expect(run.argv).toMatch(
      /^ARGV upgrade from-oci oci:\/\/127\.0\.0\.1:\d+\/charts\/hotswap --install .*--version 0\.1\.0 --plain-http/m,
    );
    for (const text of [
      run.argv,
      run.summary,
      run.stdout.replace(/^::add-mask::.*$/gm, ''),
      run.stderr,
    ]) {
      expect(text).not.toContain(password);
    }
    // The per-run registry config is gone; what stays is the job's record of
    // helm's version, for its later steps (src/helm/version-record.ts).
    expect(
      readdirSync(path.join(run.runnerDir, 'temp')).filter((f) => f.startsWith('hotswap-')),
    ).toEqual(['hotswap-helm-versions']);
    expect((await history('from-oci', namespace)).at(-1)!.status).toBe('deployed');
  });
});
