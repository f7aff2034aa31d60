// Opens the helm binary an action was given: found on PATH (or an absolute
// path), its major version checked against the helm-major input or detected.
import * as io from '@actions/io';
import { InputError } from '../../inputs/errors.js';
import { Helm, parseHelmMajor, type HelmMajor } from '../../helm/helm.js';

export function runnerTemp(): string {
  const dir = process.env.RUNNER_TEMP;
  if (!dir)
    throw new Error('RUNNER_TEMP is not set: secret values need a private temporary directory');
  return dir;
}

export async function openHelm(o: {
  bin: string;
  major: HelmMajor | undefined;
  kubeconfig: string;
  kubeContext: string;
}): Promise<Helm> {
  const bin = await io.which(o.bin, false);
  if (!bin) throw new InputError('helm', o.bin, 'a helm binary on PATH or an absolute path to one');
  const probe = new Helm({ bin, major: o.major ?? 4 });
  const major = parseHelmMajor(await probe.version());
  if (o.major !== undefined && o.major !== major) {
    throw new InputError(
      'helm-major',
      String(o.major),
      `the major version of ${bin}, which is ${major}`,
    );
  }
  return new Helm({
    bin,
    major,
    kubeconfig: o.kubeconfig || undefined,
    kubeContext: o.kubeContext || undefined,
  });
}

/** A CLI named by an input: on PATH or an absolute path. */
export async function findBinary(input: string, name: string): Promise<string> {
  const bin = await io.which(name, false);
  if (!bin)
    throw new InputError(input, name, `a ${input} binary on PATH or an absolute path to one`);
  return bin;
}
