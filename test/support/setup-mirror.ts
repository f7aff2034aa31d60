// Helpers for running actions/setup against the loopback tools mirror.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { MIRROR_ROOT } from '../../tools/provision.js';
import { releaseAsset } from '../../src/tools/releases.js';
import { tempDir } from './temp-dir.js';

export { MIRROR_ROOT };

/** The mirror base that stands for an official base: `<mirror>/<host>/<path>`. */
export function mirrorBase(mirrorUrl: string, officialBase: string): string {
  return `${mirrorUrl}/${officialBase.replace(/^https?:\/\//, '')}`;
}

/** The setup action's mirror inputs, all pointed at one loopback mirror. */
export function mirrorInputs(mirrorUrl: string): Record<string, string> {
  const platform = { os: 'linux', arch: 'amd64' } as const;
  const base = (tool: Parameters<typeof releaseAsset>[0]) =>
    mirrorBase(mirrorUrl, releaseAsset(tool, 'v0.0.0', platform).base);
  return {
    'helm-mirror': base('helm'),
    'kubectl-mirror': base('kubectl'),
    'kind-mirror': base('kind'),
    'kwok-mirror': base('kwok'),
    'kubernetes-mirror': base('kube-apiserver'),
    'etcd-mirror': base('etcd'),
  };
}

/** A private copy of part of the mirror (to tamper with), keeping the layout. */
export function copyMirror(relativePaths: string[]): string {
  const root = tempDir('mirror-copy-');
  for (const rel of relativePaths) {
    cpSync(path.join(MIRROR_ROOT, rel), path.join(root, rel), { recursive: true });
  }
  return root;
}

/** Every file under `dir`, relative to it (empty when `dir` does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
