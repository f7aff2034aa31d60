// Which kubectl, and which cluster it talks to. Every kubectl call appends
// the same connection flags.

export interface KubeContext {
  /** Path of the kubectl binary. */
  kubectl: string;
  kubeconfig?: string;
  context?: string;
}

export function kubeFlags(kube: KubeContext): string[] {
  const flags: string[] = [];
  if (kube.kubeconfig) flags.push('--kubeconfig', kube.kubeconfig);
  if (kube.context) flags.push('--context', kube.context);
  return flags;
}
