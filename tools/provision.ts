// `npm run tools`: makes every pinned external tool available in .tools/bin
// and lays the same binaries out as a mirror in the official URL layout, for
// the loopback mirror that tests point the setup action at.
//
// Per tool: cached binary -> else the official release (sha256 verified) ->
// else, offline, a build of the same version from the Go module proxy.
// The cache lives outside the work tree ($HOTSWAP_TOOLS_CACHE, default
// ~/.cache/hotswap-tools), so a second run only checks and prints versions.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { PINNED } from '../src/tools/pinned.js';
import {
  assetUrl,
  currentPlatform,
  digestFromChecksumFile,
  releaseAsset,
  type ToolName,
} from '../src/tools/releases.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
export const TOOLS_CACHE =
  process.env.HOTSWAP_TOOLS_CACHE ?? path.join(homedir(), '.cache', 'hotswap-tools');
export const MIRROR_ROOT = path.join(TOOLS_CACHE, 'mirror');
const BIN_DIR = path.join(REPO_ROOT, '.tools', 'bin');
const PLATFORM = currentPlatform();

interface Entry {
  /** A released tool (see src/tools/releases.ts), or a test-only server built from source and never mirrored. */
  tool: ToolName | 'registry';
  version: string;
  /** Name in .tools/bin. */
  link: string;
  /** Arguments that print the version. */
  versionArgs: string[];
}

type ReleasedEntry = Entry & { tool: ToolName };
const isReleased = (entry: Entry): entry is ReleasedEntry => entry.tool !== 'registry';

const K8S = PINNED.kubernetes;
export const ENTRIES: Entry[] = [
  { tool: 'helm', version: PINNED.helm4, link: 'helm', versionArgs: ['version', '--short'] },
  { tool: 'helm', version: PINNED.helm3, link: 'helm3', versionArgs: ['version', '--short'] },
  {
    tool: 'kubectl',
    version: PINNED.kubectl,
    link: 'kubectl',
    versionArgs: ['version', '--client'],
  },
  { tool: 'kind', version: PINNED.kind, link: 'kind', versionArgs: ['version'] },
  { tool: 'actionlint', version: PINNED.actionlint, link: 'actionlint', versionArgs: ['-version'] },
  {
    tool: 'helm-docs',
    version: PINNED['helm-docs'],
    link: 'helm-docs',
    versionArgs: ['--version'],
  },
  { tool: 'act', version: PINNED.act, link: 'act', versionArgs: ['--version'] },
  // The OCI registry the deploy tests push charts to; no action installs it.
  { tool: 'registry', version: PINNED.registry, link: 'registry', versionArgs: ['--version'] },
  { tool: 'kwokctl', version: PINNED.kwok, link: 'kwokctl', versionArgs: ['--version'] },
  { tool: 'kwok', version: PINNED.kwok, link: 'kwok', versionArgs: ['--version'] },
  { tool: 'etcd', version: PINNED.etcd, link: 'etcd', versionArgs: ['--version'] },
  { tool: 'kube-apiserver', version: K8S, link: 'kube-apiserver', versionArgs: ['--version'] },
  {
    tool: 'kube-controller-manager',
    version: K8S,
    link: 'kube-controller-manager',
    versionArgs: ['--version'],
  },
  { tool: 'kube-scheduler', version: K8S, link: 'kube-scheduler', versionArgs: ['--version'] },
];

const BUILD_SCRIPT = path.join(REPO_ROOT, 'tools/build-from-source.sh');
const BUILD_RECIPE = createHash('sha256').update(readFileSync(BUILD_SCRIPT)).digest('hex');

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Downloads and verifies the official release; throws when it cannot be reached or does not verify. */
async function fromOfficialRelease(entry: ReleasedEntry, dest: string): Promise<void> {
  const asset = releaseAsset(entry.tool, entry.version, PLATFORM);
  if (!asset.checksumFile) throw new Error('the project publishes no checksum to verify against');
  const get = async (file: string) => {
    const url = assetUrl(asset.base, file);
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  const fileName = asset.file.split('/').pop()!;
  const expected = digestFromChecksumFile((await get(asset.checksumFile)).toString(), fileName);
  const body = await get(asset.file);
  const actual = createHash('sha256').update(body).digest('hex');
  if (expected !== actual) throw new Error(`${fileName}: sha256 ${actual}, expected ${expected}`);
  const work = mkdtempSync(path.join(TOOLS_CACHE, 'dl-'));
  try {
    writeFileSync(path.join(work, fileName), body);
    if (asset.archive === 'tar.gz') {
      execFileSync('tar', ['-xzf', fileName], { cwd: work });
      copyFileSync(path.join(work, asset.binaryInArchive!), dest);
    } else {
      copyFileSync(path.join(work, fileName), dest);
    }
    chmodSync(dest, 0o755);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function fromSource(entry: Entry, dest: string): void {
  const out = mkdtempSync(path.join(TOOLS_CACHE, 'build-'));
  try {
    execFileSync('bash', [BUILD_SCRIPT, entry.tool, entry.version, out], {
      stdio: 'inherit',
    });
    copyFileSync(path.join(out, entry.tool), dest);
    chmodSync(dest, 0o755);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The cached binary for an entry, obtaining it first if needed. */
async function ensureBinary(entry: Entry): Promise<string> {
  const dir = path.join(TOOLS_CACHE, 'binaries', `${entry.tool}-${entry.version}`);
  const binary = path.join(dir, entry.tool);
  // A binary built from source is stale once the build recipe changes.
  const recipeFile = path.join(dir, '.recipe');
  const recipe = existsSync(recipeFile) ? readFileSync(recipeFile, 'utf8') : '';
  if (existsSync(binary) && (recipe === 'official' || recipe === BUILD_RECIPE)) return binary;
  rmSync(binary, { force: true });
  if (isReleased(entry)) rmSync(mirroredMarker(entry), { force: true });
  mkdirSync(dir, { recursive: true });
  // Written under a temporary name and renamed, so an interrupted run never leaves a half binary.
  const partial = `${binary}.partial`;
  const started = Date.now();
  try {
    if (!isReleased(entry)) throw new Error('built from source only (test server)');
    await fromOfficialRelease(entry, partial);
    writeFileSync(recipeFile, 'official');
    console.log(`  ${entry.tool} ${entry.version}: official release, sha256 verified`);
  } catch (error) {
    console.log(
      `  ${entry.tool} ${entry.version}: official release unavailable (${(error as Error).message}); building from the Go module proxy`,
    );
    fromSource(entry, partial);
    writeFileSync(recipeFile, BUILD_RECIPE);
    console.log(
      `  ${entry.tool} ${entry.version}: built in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }
  renameSync(partial, binary);
  return binary;
}

/** The mirror's `.sha256` sidecar, written last: its presence means the entry is mirrored. */
function mirroredMarker(entry: ReleasedEntry): string {
  const asset = releaseAsset(entry.tool, entry.version, PLATFORM);
  return path.join(MIRROR_ROOT, asset.base.replace(/^https?:\/\//, ''), `${asset.file}.sha256`);
}

/** Lays the binary out at its official path under MIRROR_ROOT, with its checksum files. */
function ensureMirrored(entry: ReleasedEntry, binary: string): void {
  const asset = releaseAsset(entry.tool, entry.version, PLATFORM);
  const hostPath = asset.base.replace(/^https?:\/\//, '');
  const target = path.join(MIRROR_ROOT, hostPath, asset.file);
  if (existsSync(mirroredMarker(entry))) return;
  mkdirSync(path.dirname(target), { recursive: true });
  if (asset.archive === 'tar.gz') {
    const stage = mkdtempSync(path.join(TOOLS_CACHE, 'stage-'));
    try {
      const inner = path.join(stage, asset.binaryInArchive!);
      mkdirSync(path.dirname(inner), { recursive: true });
      copyFileSync(binary, inner);
      execFileSync('tar', [
        '-czf',
        `${target}.partial`,
        '-C',
        stage,
        asset.binaryInArchive!.split('/')[0]!,
      ]);
      renameSync(`${target}.partial`, target);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  } else {
    copyFileSync(binary, target);
  }
  const digest = sha256(target);
  const fileName = path.basename(target);
  if (asset.checksumFile) {
    const checksumPath = path.join(MIRROR_ROOT, hostPath, asset.checksumFile);
    const bareDigest = asset.checksumFile.endsWith('.sha256');
    writeFileSync(checksumPath, bareDigest ? `${digest}\n` : `${digest}  ${fileName}\n`);
  }
  // Every mirrored file also gets a bare-digest sidecar, the mirror's own convention.
  writeFileSync(`${target}.sha256`, `${digest}\n`);
}

function link(entry: Entry, binary: string): void {
  const file = path.join(BIN_DIR, entry.link);
  rmSync(file, { force: true });
  symlinkSync(binary, file);
}

function versionLine(entry: Entry): string {
  try {
    const out = execFileSync(path.join(BIN_DIR, entry.link), entry.versionArgs, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out.trim().split('\n')[0]!;
  } catch (error) {
    return `FAILED: ${(error as Error).message}`;
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(BIN_DIR, { recursive: true });
  mkdirSync(MIRROR_ROOT, { recursive: true });
  console.log(`tools cache: ${TOOLS_CACHE}`);
  let failed = false;
  for (const entry of ENTRIES) {
    const binary = await ensureBinary(entry);
    if (isReleased(entry)) ensureMirrored(entry, binary);
    link(entry, binary);
    const line = versionLine(entry);
    if (line.startsWith('FAILED')) failed = true;
    console.log(`${entry.link.padEnd(24)} ${entry.version.padEnd(8)} ${line}`);
  }
  console.log(
    `tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s (.tools/bin, mirror at ${MIRROR_ROOT})`,
  );
  if (failed) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
