// Where the demo's kind node image comes from, without pulling anything: kind's
// own default image already on the engine (pulled earlier), the node image this
// repository builds offline (scripts/kind-node-image.sh) on the engine, or that
// image's cached `docker save` archive, loaded at create time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { imagePresent } from '../../src/cluster/docker.js';

/** The node image kind v0.33.0 creates clusters from when none is named (pkg/apis/config/defaults). */
export const KIND_DEFAULT_NODE_IMAGE =
  'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5';

/** The offline build's image name for a Kubernetes version. */
export const localNodeImage = (kubernetes: string) => `hotswap-local/kind-node:${kubernetes}`;

export type NodeImage =
  | { image: string; archive?: undefined; from: string }
  | { image?: undefined; archive: string; from: string };

/**
 * Cached archives of the offline node image for this Kubernetes version, built
 * for this engine's runtime (the node's containerd runs runc through the same
 * wrapper as the engine), newest first. Each has its image id beside it.
 */
export function cachedNodeArchives(dir: string, kubernetes: string, runtime: string): string[] {
  if (!existsSync(dir)) return [];
  const suffix = `-${runtime === 'runc-caps' ? 'runc-caps' : 'runc'}.tar`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(`kind-node-${kubernetes}-`) && f.endsWith(suffix))
    .map((f) => path.join(dir, f))
    .filter((f) => existsSync(`${f}.id`))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

export async function findNodeImage(o: {
  cacheDir: string;
  kubernetes: string;
  runtime: string;
  docker?: string;
}): Promise<NodeImage | undefined> {
  if (await imagePresent(KIND_DEFAULT_NODE_IMAGE, o.docker))
    return { image: KIND_DEFAULT_NODE_IMAGE, from: `kind's default node image is on the engine` };
  const local = localNodeImage(o.kubernetes);
  if (await imagePresent(local, o.docker))
    return { image: local, from: `the offline node image ${local} is on the engine` };
  const archive = cachedNodeArchives(path.join(o.cacheDir, 'images'), o.kubernetes, o.runtime)[0];
  if (archive) return { archive, from: `the offline node image is cached at ${archive}` };
  return undefined;
}
