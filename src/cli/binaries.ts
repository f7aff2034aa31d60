// Finds the CLIs a command was given (a name on PATH or a path), the way the
// actions do with io.which, and opens helm with its major version checked.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { Helm, parseHelmMajor, type HelmMajor } from '../helm/helm.js';
import { InputError } from '../inputs/errors.js';

export function which(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/')
    ? [path.resolve(name)]
    : envPath
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, name));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** A binary named by an input: on PATH or a path, else the input's error. */
export function findBinary(input: string, name: string): string {
  const bin = which(name);
  if (!bin) throw new InputError(input, name, `a ${input} binary on PATH or a path to one`);
  return bin;
}

export async function openHelm(o: {
  bin: string;
  major: HelmMajor | undefined;
  kubeconfig?: string;
  kubeContext?: string;
}): Promise<Helm> {
  const bin = which(o.bin);
  if (!bin) throw new InputError('helm', o.bin, 'a helm binary on PATH or a path to one');
  const major = parseHelmMajor(await new Helm({ bin, major: o.major ?? 4 }).version());
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
