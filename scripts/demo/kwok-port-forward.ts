// On a kwok cluster no container runs: kwok answers `kubectl port-forward` to
// the pods itself. A ClusterPortForward tells it where to send each pod port:
// here, to servers on this machine (the stand-in HotSwap API), so a smoke test
// reaches them through the cluster exactly as it would reach the real service.
import { runCommand } from '../../src/exec/command.js';

export interface PortTarget {
  /** Pod (container) port; every port of the pods when left out. */
  podPort?: number;
  /** Local port the connections go to. */
  localPort: number;
  /** Local address (default 127.0.0.1). */
  address?: string;
}

export interface KwokForward {
  kubectl: string;
  kubeconfig: string;
  /** Pods of this namespace (all of them, or only `pods`) are forwarded. */
  namespace: string;
  pods?: string[];
  ports: PortTarget[];
}

/** Name of the ClusterPortForward object created for a namespace. */
export function forwardName(namespace: string): string {
  return `local-${namespace}`.slice(0, 253);
}

export function forwardManifest(fw: KwokForward): string {
  return JSON.stringify({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterPortForward',
    metadata: { name: forwardName(fw.namespace) },
    spec: {
      selector: {
        matchNamespaces: [fw.namespace],
        ...(fw.pods?.length ? { matchNames: fw.pods } : {}),
      },
      forwards: fw.ports.map((p) => ({
        ...(p.podPort === undefined ? {} : { ports: [p.podPort] }),
        target: { address: p.address ?? '127.0.0.1', port: p.localPort },
      })),
    },
  });
}

/** Sends the namespace's pod ports to local servers; returns how to undo it. */
export async function forwardPodsToLocal(fw: KwokForward): Promise<() => Promise<void>> {
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
