// Installs one tool at an exact version: tool cache first; otherwise the
// expected digest (pinned, or the official checksum file), download to a
// temporary directory, verify, extract, and only then copy into the tool
// cache. A cancelled run removes its temporary files and any tool-cache entry
// it had not completed (interrupt.ts).
import {
  copyFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import * as tc from '@actions/tool-cache';
import semver from 'semver';
import { ChecksumMismatchError, sha256File } from './checksum.js';
import { download } from './download.js';
import { removedIfInterrupted } from './interrupt.js';
import {
  assetUrl,
  currentPlatform,
  digestFromChecksumFile,
  releaseAsset,
  type Platform,
  type ReleaseAsset,
  type ToolName,
} from './releases.js';

export interface InstallRequest {
  tool: ToolName;
  /** Exact version with its leading `v`. */
  version: string;
  platform?: Platform;
  /** Base URL that replaces the official one (same layout below it). */
  mirror?: string;
  /** Expected sha256 of the download, pinned by the user. */
  sha256?: string;
  /** The input that pins the digest, named in messages. */
  pinInput?: string;
  /** Where downloads are staged (RUNNER_TEMP). */
  tempDir: string;
  log?: (line: string) => void;
}

export interface InstalledTool {
  tool: ToolName;
  version: string;
  /** Directory holding the binary (added to PATH). */
  dir: string;
  /** The binary. */
  path: string;
  fromCache: boolean;
  /** Download URL (also reported for a cache hit: where it would come from). */
  url: string;
  /** Verified sha256 of the download, when known. */
  sha256?: string;
  /** Where the expected digest came from. */
  digestSource?: string;
}

/** Written next to the binary in the tool cache: what was downloaded and verified. */
const RECORD = '.hotswap-install.json';

interface InstallRecord {
  url: string;
  sha256: string;
  digestSource: string;
}

export class MissingDigestError extends Error {
  constructor(tool: string, file: string, pinInput: string | undefined) {
    super(
      `${tool} publishes no checksum file for ${file}, so there is nothing to verify the download against: ` +
        `${pinInput ? `set '${pinInput}' to its sha256, or ` : ''}download from a mirror that serves '<file>.sha256' sidecars`,
    );
    this.name = 'MissingDigestError';
  }
}

/** Tool-cache arch names follow os.arch(). */
function cacheArch(platform: Platform): string {
  return platform.arch === 'amd64' ? 'x64' : 'arm64';
}

function cacheEntryDir(tool: string, version: string, arch: string): string {
  const root = process.env.RUNNER_TOOL_CACHE;
  if (!root) throw new Error('RUNNER_TOOL_CACHE is not set');
  return path.join(root, tool, semver.clean(version) ?? version, arch);
}

function readRecord(dir: string): InstallRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, RECORD), 'utf8')) as InstallRecord;
  } catch {
    return undefined;
  }
}

async function expectedDigest(
  req: InstallRequest,
  asset: ReleaseAsset,
  base: string,
  workDir: string,
): Promise<{ digest: string; source: string }> {
  const fileName = path.basename(asset.file);
  if (req.sha256)
    return { digest: req.sha256.toLowerCase(), source: `pinned by '${req.pinInput ?? 'sha256'}'` };
  let checksumUrl: string;
  if (asset.checksumFile) checksumUrl = assetUrl(base, asset.checksumFile);
  else if (req.mirror) checksumUrl = `${assetUrl(base, asset.file)}.sha256`;
  else throw new MissingDigestError(req.tool, fileName, req.pinInput);
  const file = await download(checksumUrl, path.join(workDir, 'checksum'));
  const digest = digestFromChecksumFile(readFileSync(file, 'utf8'), fileName);
  if (!digest) throw new Error(`${checksumUrl} lists no sha256 for ${fileName}`);
  return { digest, source: `from ${checksumUrl}` };
}

export async function installTool(req: InstallRequest): Promise<InstalledTool> {
  const log = req.log ?? (() => {});
  const platform = req.platform ?? currentPlatform();
  const asset = releaseAsset(req.tool, req.version, platform);
  const base = req.mirror ?? asset.base;
  const url = assetUrl(base, asset.file);
  const arch = cacheArch(platform);

  const cached = tc.find(req.tool, req.version, arch);
  if (cached && existsSync(path.join(cached, req.tool))) {
    const record = readRecord(cached);
    if (!req.sha256 || record?.sha256 === req.sha256.toLowerCase()) {
      log(`${req.tool} ${req.version}: tool cache hit (${cached})`);
      return {
        tool: req.tool,
        version: req.version,
        dir: cached,
        path: path.join(cached, req.tool),
        fromCache: true,
        url,
        sha256: record?.sha256,
        digestSource: record?.digestSource,
      };
    }
    log(
      `${req.tool} ${req.version}: the cached copy was not verified against the pinned sha256; downloading again`,
    );
  }

  mkdirSync(req.tempDir, { recursive: true });
  const workDir = mkdtempSync(path.join(req.tempDir, `${req.tool}-`));
  const entry = cacheEntryDir(req.tool, req.version, arch);
  const guards = [{ path: workDir }, { path: entry, unlessExists: `${entry}.complete` }];
  try {
    return await removedIfInterrupted(guards, async () => {
      const expected = await expectedDigest(req, asset, base, workDir);
      const fileName = path.basename(asset.file);
      log(`${req.tool} ${req.version}: downloading ${url}`);
      const file = await download(url, path.join(workDir, fileName));
      const actual = await sha256File(file);
      if (actual !== expected.digest)
        throw new ChecksumMismatchError(fileName, url, expected.digest, actual, expected.source);
      log(`${req.tool} ${req.version}: sha256 ${actual} verified (${expected.source})`);

      const stage = path.join(workDir, 'stage');
      mkdirSync(stage);
      const binary = path.join(stage, req.tool);
      if (asset.archive === 'tar.gz') {
        const extracted = await tc.extractTar(file, path.join(workDir, 'extracted'));
        const inner = path.join(extracted, asset.binaryInArchive!);
        if (!existsSync(inner))
          throw new Error(`${fileName} (from ${url}) has no ${asset.binaryInArchive}`);
        copyFileSync(inner, binary);
      } else {
        copyFileSync(file, binary);
      }
      chmodSync(binary, 0o755);
      const record: InstallRecord = { url, sha256: actual, digestSource: expected.source };
      writeFileSync(path.join(stage, RECORD), `${JSON.stringify(record, null, 2)}\n`);

      const dir = await tc.cacheDir(stage, req.tool, req.version, arch);
      return {
        tool: req.tool,
        version: req.version,
        dir,
        path: path.join(dir, req.tool),
        fromCache: false,
        url,
        sha256: actual,
        digestSource: expected.source,
      };
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
