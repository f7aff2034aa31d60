// One kwok cluster per e2e run: created before the first test file, handed to
// the tests (inject('kubeconfig') and KUBECONFIG for child processes) and
// deleted afterwards: after a failing run too, and when the run is
// interrupted (SIGINT/SIGTERM) or exits early. A cluster left behind by a run
// that was killed outright is deleted by the next run.
// HOTSWAP_E2E_KUBECONFIG=<path> reuses an existing cluster instead.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createKwokCluster, deleteKwokCluster } from '../../src/cluster/kwok.js';
import { kwokBinaries } from '../support/kwok.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

const PREFIX = 'hotswap-e2e-';

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Synchronous delete: the only kind that still runs inside a signal or exit handler. */
function deleteNow(kwokctl: string, name: string, workdir: string): void {
  spawnSync(
    kwokctl,
    [
      'delete',
      'cluster',
      '--name',
      name,
      '--kubeconfig',
      path.join(workdir, 'kwokctl-contexts.yaml'),
    ],
    { env: { ...process.env, KWOK_WORKDIR: workdir }, stdio: 'ignore', timeout: 60_000 },
  );
  rmSync(workdir, { recursive: true, force: true });
}

/** Deletes clusters of earlier runs whose vitest process is gone (killed with SIGKILL, crashed). */
function reapOrphans(kwokctl: string): void {
  for (const entry of readdirSync(os.tmpdir())) {
    if (!entry.startsWith(PREFIX)) continue;
    const workdir = path.join(os.tmpdir(), entry);
    const ownerFile = path.join(workdir, 'owner.pid');
    if (!existsSync(ownerFile)) {
      // A run that is just starting writes owner.pid right after creating the directory.
      if (Date.now() - statSync(workdir).mtimeMs < 60_000) continue;
    } else if (alive(Number(readFileSync(ownerFile, 'utf8')))) {
      continue;
    }
    deleteNow(kwokctl, entry.slice(PREFIX.length), workdir);
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const reuse = process.env.HOTSWAP_E2E_KUBECONFIG;
  if (reuse) {
    const kubeconfig = path.resolve(reuse);
    if (!existsSync(kubeconfig))
      throw new Error(`HOTSWAP_E2E_KUBECONFIG: ${kubeconfig} does not exist`);
    process.env.KUBECONFIG = kubeconfig;
    project.provide('kubeconfig', kubeconfig);
    return;
  }

  const binaries = kwokBinaries();
  reapOrphans(binaries.kwokctl);
  const name = `e2e-${process.pid}-${Date.now().toString(36)}`;
  const workdir = path.join(os.tmpdir(), `${PREFIX}${name}`);
  mkdirSync(workdir, { recursive: true });
  writeFileSync(path.join(workdir, 'owner.pid'), String(process.pid));

  let deleted = false;
  const onExit = () => {
    if (deleted) return;
    deleted = true;
    deleteNow(binaries.kwokctl, name, workdir);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    // Another handler (vitest's, the command runner's) normally ends the
    // process; when this is the only one, end it the way the signal would.
    if (process.listenerCount(signal) === 1) process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  // Registered before the cluster starts, so they run before any handler
  // that exits the process on the same signal.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);

  const started = Date.now();
  const cluster = await createKwokCluster({ name, binaries, workdir, nodes: 3, waitMs: 180_000 });
  console.log(
    `e2e: kwok cluster ${name} ready in ${Date.now() - started} ms (${cluster.kubeconfig})`,
  );
  process.env.KUBECONFIG = cluster.kubeconfig;
  project.provide('kubeconfig', cluster.kubeconfig);

  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    if (deleted) return;
    deleted = true;
    await deleteKwokCluster({ name, kwokctl: binaries.kwokctl, workdir });
    rmSync(workdir, { recursive: true, force: true });
  };
}
