// Opens the helm and kubectl a deploy or rollback was given. Callers differ only
// in how a name becomes a binary path (the actions use io.which, the CLI its own
// PATH lookup), so they pass that lookup in; the version check lives here once.
import { InputError } from '../inputs/errors.js';
import { checkKubeContext, type KubeTarget } from '../kube/kube-target.js';
import { Kubectl } from '../kube/kubectl.js';
import { Helm, parseHelmMajor, type HelmMajor } from './helm.js';

/** Resolves the binary `name` given by `input` to a path, or throws the input's error. */
export type FindBinary = (input: string, name: string) => string | Promise<string>;

/** A Helm for an already resolved binary, its major version checked against helm-major or detected. */
export async function openHelm(o: {
  bin: string;
  major: HelmMajor | undefined;
  kubeconfig?: string;
  kubeContext?: string;
}): Promise<Helm> {
  const major = parseHelmMajor(await new Helm({ bin: o.bin, major: o.major ?? 4 }).version());
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

/** Helm then kubectl, both pointed at the same kubeconfig and context. */
export async function openClusterClients(
  s: {
    helmBin: string;
    helmMajor: HelmMajor | undefined;
    kubectlBin: string;
    kubeconfig: string;
    kubeContext: string;
  },
  find: FindBinary,
): Promise<{ helm: Helm; kubectl: Kubectl }> {
  const target: KubeTarget = {
    kubectl: await find('kubectl', s.kubectlBin),
    kubeconfig: s.kubeconfig || undefined,
    context: s.kubeContext || undefined,
  };
  await checkKubeContext(target);
  const helm = await openHelm({
    bin: await find('helm', s.helmBin),
    major: s.helmMajor,
    kubeconfig: s.kubeconfig,
    kubeContext: s.kubeContext,
  });
  return { helm, kubectl: new Kubectl(target) };
}
