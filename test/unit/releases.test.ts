import { describe, expect, it } from 'vitest';
import { digestFromChecksumFile, releaseAsset } from '../../src/tools/releases.js';

const D = 'a'.repeat(64);
const linux = { os: 'linux', arch: 'amd64' } as const;

describe('release layouts', () => {
  it('follows the official URL layouts', () => {
    expect(releaseAsset('helm', 'v4.3.1', linux)).toMatchObject({
      base: 'https://get.helm.sh',
      file: 'helm-v4.3.1-linux-amd64.tar.gz',
      checksumFile: 'helm-v4.3.1-linux-amd64.tar.gz.sha256sum',
      binaryInArchive: 'linux-amd64/helm',
    });
    expect(releaseAsset('kubectl', 'v1.36.3', linux)).toMatchObject({
      base: 'https://dl.k8s.io',
      file: 'release/v1.36.3/bin/linux/amd64/kubectl',
      checksumFile: 'release/v1.36.3/bin/linux/amd64/kubectl.sha256',
    });
    expect(releaseAsset('etcd', 'v3.6.8', linux).checksumFile).toBe('v3.6.8/SHA256SUMS');
    expect(releaseAsset('kwok', 'v0.8.0', linux).checksumFile).toBeUndefined();
    expect(releaseAsset('act', 'v0.2.89', linux)).toMatchObject({
      base: 'https://github.com/nektos/act/releases/download',
      file: 'v0.2.89/act_Linux_x86_64.tar.gz',
      checksumFile: 'v0.2.89/checksums.txt',
      binaryInArchive: 'act',
    });
  });

  it('reads bare digests, sha256sum lines and multi-file lists', () => {
    expect(digestFromChecksumFile(`${D}\n`, 'kubectl')).toBe(D);
    expect(digestFromChecksumFile(`${D}  helm.tar.gz\n`, 'helm.tar.gz')).toBe(D);
    const list = `${'b'.repeat(64)}  other.tar.gz\n${D} *etcd.tar.gz\n`;
    expect(digestFromChecksumFile(list, 'etcd.tar.gz')).toBe(D);
    expect(digestFromChecksumFile(list, 'missing.tar.gz')).toBeUndefined();
    expect(digestFromChecksumFile('not a digest', 'x')).toBeUndefined();
  });
});
