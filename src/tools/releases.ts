// Where each external tool's official release lives and how its published
// checksum is laid out. The setup action downloads from these URLs (or from a
// mirror with the same layout under another base), and tools/ lays out the
// loopback test mirror with exactly these paths.

export type ToolName =
  | 'helm'
  | 'kubectl'
  | 'kind'
  | 'kwok'
  | 'kwokctl'
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'actionlint'
  | 'helm-docs'
  | 'act';

export interface Platform {
  os: 'linux' | 'darwin';
  arch: 'amd64' | 'arm64';
}

export interface ReleaseAsset {
  /** The official base URL; a mirror replaces exactly this part. */
  base: string;
  /** Path of the download below the base. */
  file: string;
  /** Path of the checksum file below the base, or undefined where the project publishes none. */
  checksumFile?: string;
  /** `.tar.gz` archive with the binary at `binaryInArchive`, or the bare binary. */
  archive: 'tar.gz' | 'binary';
  binaryInArchive?: string;
}

const K8S_BINARIES = new Set<ToolName>([
  'kubectl',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
]);

/** The official asset for a tool at an exact version (with its leading `v`). */
export function releaseAsset(
  tool: ToolName,
  version: string,
  { os, arch }: Platform,
): ReleaseAsset {
  const bare = version.replace(/^v/, '');
  if (K8S_BINARIES.has(tool)) {
    const file = `release/${version}/bin/${os}/${arch}/${tool}`;
    return { base: 'https://dl.k8s.io', file, checksumFile: `${file}.sha256`, archive: 'binary' };
  }
  switch (tool) {
    case 'helm': {
      const file = `helm-${version}-${os}-${arch}.tar.gz`;
      return {
        base: 'https://get.helm.sh',
        file,
        checksumFile: `${file}.sha256sum`,
        archive: 'tar.gz',
        binaryInArchive: `${os}-${arch}/helm`,
      };
    }
    case 'kind':
      return {
        base: 'https://github.com/kubernetes-sigs/kind/releases/download',
        file: `${version}/kind-${os}-${arch}`,
        checksumFile: `${version}/kind-${os}-${arch}.sha256sum`,
        archive: 'binary',
      };
    case 'kwok':
    case 'kwokctl':
      // kwok publishes no checksum file: the digest must be pinned by the caller.
      return {
        base: 'https://github.com/kubernetes-sigs/kwok/releases/download',
        file: `${version}/${tool}-${os}-${arch}`,
        archive: 'binary',
      };
    case 'etcd':
      return {
        base: 'https://github.com/etcd-io/etcd/releases/download',
        file: `${version}/etcd-${version}-${os}-${arch}.tar.gz`,
        checksumFile: `${version}/SHA256SUMS`,
        archive: 'tar.gz',
        binaryInArchive: `etcd-${version}-${os}-${arch}/etcd`,
      };
    case 'actionlint':
      return {
        base: 'https://github.com/rhysd/actionlint/releases/download',
        file: `${version}/actionlint_${bare}_${os}_${arch}.tar.gz`,
        checksumFile: `${version}/actionlint_${bare}_checksums.txt`,
        archive: 'tar.gz',
        binaryInArchive: 'actionlint',
      };
    case 'helm-docs':
      return {
        base: 'https://github.com/norwoodj/helm-docs/releases/download',
        file: `${version}/helm-docs_${bare}_${os === 'linux' ? 'Linux' : 'Darwin'}_${arch === 'amd64' ? 'x86_64' : 'arm64'}.tar.gz`,
        checksumFile: `${version}/checksums.txt`,
        archive: 'tar.gz',
        binaryInArchive: 'helm-docs',
      };
    case 'act':
      return {
        base: 'https://github.com/nektos/act/releases/download',
        file: `${version}/act_${os === 'linux' ? 'Linux' : 'Darwin'}_${arch === 'amd64' ? 'x86_64' : 'arm64'}.tar.gz`,
        checksumFile: `${version}/checksums.txt`,
        archive: 'tar.gz',
        binaryInArchive: 'act',
      };
    default:
      throw new Error(`no release layout for tool '${tool}'`);
  }
}

/** Joins a base (official or mirror) and a path below it. */
export function assetUrl(base: string, file: string): string {
  return `${base.replace(/\/+$/, '')}/${file}`;
}

/**
 * Reads the digest for `fileName` out of a checksum file: a bare digest
 * (dl.k8s.io `.sha256`), `<digest>  <name>` (`.sha256sum`), or a list of such
 * lines (SHA256SUMS, checksums.txt).
 */
export function digestFromChecksumFile(text: string, fileName: string): string | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const line of lines) {
    const [digest, name] = line.split(/\s+\*?/);
    if (!digest || !/^[a-f0-9]{64}$/i.test(digest)) continue;
    if (name === undefined || name.replace(/^\*/, '').split('/').pop() === fileName)
      return digest.toLowerCase();
  }
  return undefined;
}

export function currentPlatform(): Platform {
  const os = process.platform === 'darwin' ? 'darwin' : 'linux';
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  return { os, arch };
}
