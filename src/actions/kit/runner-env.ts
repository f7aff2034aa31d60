// Where an action finds the CLIs it was given (io.which: on PATH or an absolute
// path) and its private temporary directory.
import * as io from '@actions/io';
import { InputError } from '../../inputs/errors.js';

export function runnerTemp(): string {
  const dir = process.env.RUNNER_TEMP;
  if (!dir)
    throw new Error('RUNNER_TEMP is not set: secret values need a private temporary directory');
  return dir;
}

/** A CLI named by an input: on PATH or an absolute path. */
export async function findBinary(input: string, name: string): Promise<string> {
  const bin = await io.which(name, false);
  if (!bin)
    throw new InputError(input, name, `a ${input} binary on PATH or an absolute path to one`);
  return bin;
}
