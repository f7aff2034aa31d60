// kwok answers the kubelet's port-forward endpoint itself. A ClusterPortForward
// tells it where the connections of `kubectl port-forward` to the pods of a
// namespace go: here, a server listening on this machine, which stands in for
// the containers that kwok does not run.
import { runCommand } from '../exec/command.js';

export interface LocalForward {
  kubectl: string;
  kubeconfig: string;
  /** Pods of this namespace (all of them, or only `pods`) are forwarded. */
  namespace: string;
  pods?: string[];
  /** Local target (default 127.0.0.1). */
  address?: string;
  port: number;
}

/** Name of the ClusterPortForward object created for a namespace. */
export function forwardName(namespace: string): string {
  return `local-${namespace}`.slice(0, 253);
}

/** The ClusterPortForward object: every pod port of the namespace to address:port. */
export function forwardManifest(fw: LocalForward): string {
  return JSON.stringify({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterPortForward',
    metadata: { name: forwardName(fw.namespace) },
    spec: {
      selector: {
        matchNamespaces: [fw.namespace],
        ...(fw.pods?.length ? { matchNames: fw.pods } : {}),
      },
      forwards: [{ target: { address: fw.address ?? '127.0.0.1', port: fw.port } }],
    },
  });
}

/** Points port-forwards to the namespace's pods at a local server; returns how to undo it. */
export async function forwardNamespaceToLocal(fw: LocalForward): Promise<() => Promise<void>> {
  const kube = ['--kubeconfig', fw.kubeconfig];
  await runCommand(fw.kubectl, [...kube, 'apply', '-f', '-'], { input: forwardManifest(fw) });
  return async () => {
    await runCommand(fw.kubectl, [
      ...kube,
      'delete',
      'clusterportforward',
      forwardName(fw.namespace),
      '--ignore-not-found',
    ]);
  };
}
