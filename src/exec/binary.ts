// Finds the CLIs a step was given: a name on PATH or a path (relative to the
// working directory or absolute), for the actions and the CLI alike.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
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
