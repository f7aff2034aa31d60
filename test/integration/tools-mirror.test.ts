import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINNED } from '../../src/tools/pinned.js';
import {
  assetUrl,
  currentPlatform,
  digestFromChecksumFile,
  releaseAsset,
} from '../../src/tools/releases.js';
import { MIRROR_ROOT } from '../../tools/provision.js';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';

describe('loopback tools mirror', () => {
  let mirror: MirrorServer;
  beforeAll(async () => {
    mirror = await startMirror(MIRROR_ROOT);
  });
  afterAll(() => mirror.close());

  it('serves helm at its official path, matching the published .sha256 and .sha256sum', async () => {
    const asset = releaseAsset('helm', PINNED.helm4, currentPlatform());
    const base = `${mirror.url}/get.helm.sh`;
    const archive = Buffer.from(await (await fetch(assetUrl(base, asset.file))).arrayBuffer());
    const sidecar = await (await fetch(assetUrl(base, `${asset.file}.sha256`))).text();
    const official = await (await fetch(assetUrl(base, asset.checksumFile!))).text();

    const actual = createHash('sha256').update(archive).digest('hex');
    expect(sidecar.trim()).toBe(actual);
    expect(digestFromChecksumFile(official, path.basename(asset.file))).toBe(actual);

    // The archive has the official layout and the binary reports the pinned version.
    const dir = mkdtempSync(path.join(tmpdir(), 'mirror-helm-'));
    writeFileSync(path.join(dir, 'helm.tgz'), archive);
    execFileSync('tar', ['-xzf', 'helm.tgz'], { cwd: dir });
    const version = execFileSync(
      path.join(dir, asset.binaryInArchive!),
      ['version', '--template', '{{.Version}}'],
      {
        encoding: 'utf8',
      },
    );
    expect(version).toBe(PINNED.helm4);
  });

  it('answers 404 for files it does not have and can inject failures', async () => {
    expect((await fetch(`${mirror.url}/get.helm.sh/helm-v0.0.0-linux-amd64.tar.gz`)).status).toBe(
      404,
    );
    mirror.fail('/get.helm.sh/x', 2, 503);
    expect((await fetch(`${mirror.url}/get.helm.sh/x`)).status).toBe(503);
    expect((await fetch(`${mirror.url}/get.helm.sh/x`)).status).toBe(503);
    expect((await fetch(`${mirror.url}/get.helm.sh/x`)).status).toBe(404);
    expect(mirror.requests.filter((p) => p === '/get.helm.sh/x')).toHaveLength(3);
  });
});
