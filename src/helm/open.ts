// Opens the helm and kubectl a deploy or rollback was given (a name on PATH or
// a path); the helm version check lives here once.
import { findBinary } from '../exec/binary.js';
import type { ClusterInputs } from '../inputs/cluster.js';
import { InputError } from '../inputs/errors.js';
import { checkKubeContext, type KubeTarget } from '../kube/kube-target.js';
import { Kubectl } from '../kube/kubectl.js';
import { Helm, parseHelmMajor, type HelmMajor } from './helm.js';
import { helmVersionOf } from './version-record.js';

/** A Helm for an already resolved binary, its major version checked against helm-major or detected. */
export async function openHelm(o: {
  bin: string;
  major: HelmMajor | undefined;
  kubeconfig?: string;
  kubeContext?: string;
}): Promise<Helm> {
  const asked = () => new Helm({ bin: o.bin, major: o.major ?? 4 }).version();
  const major = parseHelmMajor(await helmVersionOf(o.bin, asked));
  if (o.major !== undefined && o.major !== major) {
    throw new InputError(
      'helm-major',
      String(o.major),
      `the major version of ${o.bin}, which is ${major}`,
    );
  }
  return new Helm({
    bin: o.bin,
    major,
    kubeconfig: o.kubeconfig || undefined,
    kubeContext: o.kubeContext || undefined,
  });
}

/**
 * Helm and kubectl, both pointed at the same kubeconfig and context; the
 * context check and helm's version, independent of each other, at once.
 */
export async function openClusterClients(
  s: ClusterInputs,
): Promise<{ helm: Helm; kubectl: Kubectl }> {
  const target: KubeTarget = {
    kubectl: findBinary('kubectl', s.kubectlBin),
    kubeconfig: s.kubeconfig || undefined,
    context: s.kubeContext || undefined,
  };
  const [context, opened] = await Promise.allSettled([
    checkKubeContext(target),
    (async () =>
      openHelm({
        bin: findBinary('helm', s.helmBin),
        major: s.helmMajor,
        kubeconfig: s.kubeconfig,
        kubeContext: s.kubeContext,
      }))(),
  ]);
  // The context's error first, as when the two ran one after the other.
  if (context.status === 'rejected') throw context.reason;
  if (opened.status === 'rejected') throw opened.reason;
  const helm = opened.value;
  return { helm, kubectl: new Kubectl(target) };
}

/**
 * openClusterClients for the length of `body`, kubectl's proxy (its repeated
 * reads) started beside it under `proxyDir` and stopped however `body` ends.
 */
export async function withClusterClients<T>(
  s: ClusterInputs,
  proxyDir: string,
  log: (line: string) => void,
  body: (clients: { helm: Helm; kubectl: Kubectl }) => Promise<T>,
): Promise<T> {
  const clients = await openClusterClients(s);
  clients.kubectl.startProxy(proxyDir, log);
  try {
    return await body(clients);
  } finally {
    await clients.kubectl.close();
  }
}
