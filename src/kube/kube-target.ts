// Which kubectl, and which cluster it talks to. Every kubectl call appends
// the same connection flags.
import { runCommand } from '../exec/command.js';
import { InputError } from '../inputs/errors.js';

/** The kubectl binary and the cluster it talks to (the kubeconfig and its context). */
export interface KubeTarget {
  /** Path of the kubectl binary. */
  kubectl: string;
  kubeconfig?: string;
  context?: string;
}

export function kubeFlags(kube: KubeTarget): string[] {
  const flags: string[] = [];
  if (kube.kubeconfig) flags.push('--kubeconfig', kube.kubeconfig);
  if (kube.context) flags.push('--context', kube.context);
  return flags;
}

/**
 * A kube-context that the kubeconfig does not have is the input's fault: say
 * so, with the contexts it does have, rather than kubectl's "context was not
 * found" from deep inside the first command that uses it.
 */
export async function checkKubeContext(kube: KubeTarget, input = 'kube-context'): Promise<void> {
  if (!kube.context) return;
  const config = kube.kubeconfig ? ['--kubeconfig', kube.kubeconfig] : [];
  const { stdout } = await runCommand(
    kube.kubectl,
    ['config', 'get-contexts', '-o', 'name', ...config],
    {
      timeoutMs: 30_000,
    },
  );
  const contexts = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (contexts.includes(kube.context)) return;
  const source = kube.kubeconfig ? `kubeconfig ${kube.kubeconfig}` : 'the default kubeconfig';
  throw new InputError(
    input,
    kube.context,
    `a context of ${source} (it has: ${contexts.join(', ') || 'none'})`,
  );
}
