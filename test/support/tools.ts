// Where tests find the external binaries that `npm run tools` provides.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './run-action.js';

export const TOOLS_BIN = path.join(REPO_ROOT, '.tools', 'bin');

/** Absolute path of a tool in .tools/bin (helm = helm 4, helm3 = helm 3); throws if `npm run tools` has not run. */
export function toolPath(name: string): string {
  const file = path.join(TOOLS_BIN, name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run tools' first`);
  return file;
}
