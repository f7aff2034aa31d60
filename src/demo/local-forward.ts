// On a kwok cluster no container runs: kwok answers `kubectl port-forward` to
// the pods itself. A ClusterPortForward tells it where to send each pod port:
// here, to the stand-in HotSwap API running on this machine, so the smoke test
// reaches it through the cluster exactly as it would reach the real service.
import { runCommand } from '../exec/command.js';

export interface PortTarget {
  /** Pod (container) port. */
  podPort: number;
  /** Local port on 127.0.0.1. */
  localPort: number;
}

export function forwardManifest(name: string, namespace: string, ports: PortTarget[]): string {
  return JSON.stringify({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterPortForward',
    metadata: { name },
    spec: {
      selector: { matchNamespaces: [namespace] },
      forwards: ports.map((p) => ({
        ports: [p.podPort],
        target: { address: '127.0.0.1', port: p.localPort },
      })),
    },
  });
}

/** Sends the namespace's pod ports to local servers; returns how to undo it. */
export async function forwardPodsToLocal(o: {
  kubectl: string;
  kubeconfig: string;
  namespace: string;
  ports: PortTarget[];
}): Promise<() => Promise<void>> {
  const name = `local-${o.namespace}`;
  const kube = ['--kubeconfig', o.kubeconfig];
  await runCommand(o.kubectl, [...kube, 'apply', '-f', '-'], {
    input: forwardManifest(name, o.namespace, o.ports),
  });
  return async () => {
    await runCommand(o.kubectl, [
      ...kube,
      'delete',
      'clusterportforward',
      name,
      '--ignore-not-found',
    ]);
  };
}
