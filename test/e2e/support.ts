// Helpers for tests against the run's kwok cluster (see global-setup.ts).
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { runCommand, type CommandResult } from '../../src/exec/command.js';
import { toolPath } from '../support/tools.js';

export function kubeconfig(): string {
  return inject('kubeconfig');
}

export function kubectl(args: string[], input?: string): Promise<CommandResult> {
  return runCommand(toolPath('kubectl'), ['--kubeconfig', kubeconfig(), ...args], {
    input,
    timeoutMs: 120_000,
  });
}

export async function kubectlJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const { stdout } = await kubectl([...args, '-o', 'json']);
  return JSON.parse(stdout) as T;
}

/** A fresh namespace (optionally labelled); returns its name. */
export async function createNamespace(
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }),
  );
  return name;
}

export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=false']);
}

/** Polls `probe` until it returns a value other than undefined, or fails with the last state seen. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export interface PodStatus {
  phase: string;
  podIP?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  containerStatuses?: {
    name: string;
    ready: boolean;
    started?: boolean;
    restartCount: number;
    state: Record<string, { reason?: string; message?: string; exitCode?: number }>;
    lastState?: Record<string, { reason?: string; exitCode?: number }>;
  }[];
}

export interface Pod {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: { nodeName?: string; restartPolicy: string };
  status: PodStatus;
}

export async function pods(namespace: string, selector?: string): Promise<Pod[]> {
  const args = ['-n', namespace, 'get', 'pods'];
  if (selector) args.push('-l', selector);
  return (await kubectlJson<{ items: Pod[] }>(args)).items;
}

export function condition(pod: Pod, type: string) {
  return pod.status.conditions?.find((c) => c.type === type);
}

/**
 * kwok runs the real PersistentVolume controller but no storage provisioner:
 * a volume made up front for each claim lets it bind as it would on a cluster
 * with a default provisioner. Each volume is reserved for its claim (claimRef),
 * so it never binds a claim that another test expects to stay Pending.
 */
export async function preProvisionVolumes(
  kubeconfigPath: string,
  namespace: string,
  claims: string[],
): Promise<void> {
  const volumes = claims.map((claim) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `${namespace}-${claim}` },
    spec: {
      capacity: { storage: '100Gi' },
      accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Delete',
      hostPath: { path: `/var/lib/hotswap-e2e/${namespace}-${claim}` },
      claimRef: { namespace, name: claim },
    },
  }));
  await runCommand(toolPath('kubectl'), ['--kubeconfig', kubeconfigPath, 'apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: volumes }),
    timeoutMs: 120_000,
  });
}
