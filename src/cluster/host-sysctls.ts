// kubelet in a (privileged) kind node sets host-wide sysctls that are not
// namespaced: vm.overcommit_memory, kernel.panic, kernel.panic_on_oops. They
// are read before the cluster is created and put back after it is deleted,
// so a developer machine or a self-hosted runner is left as it was.
import { readFileSync, writeFileSync } from 'node:fs';

export const KUBELET_SYSCTLS = ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops'];

export function readSysctls(root = '/proc/sys'): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of KUBELET_SYSCTLS) {
    try {
      values[key] = readFileSync(`${root}/${key}`, 'utf8').trim();
    } catch {
      // not readable here (another OS, a remote engine): nothing to restore
    }
  }
  return values;
}

/** Writes back the values that changed; returns the keys it restored. */
export function restoreSysctls(saved: Record<string, string>, root = '/proc/sys'): string[] {
  const restored: string[] = [];
  for (const [key, value] of Object.entries(saved)) {
    if (!KUBELET_SYSCTLS.includes(key)) continue;
    try {
      if (readFileSync(`${root}/${key}`, 'utf8').trim() === value) continue;
      writeFileSync(`${root}/${key}`, `${value}\n`);
      restored.push(key);
    } catch {
      // not writable (not root): leave it
    }
  }
  return restored;
}
