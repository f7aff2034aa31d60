// Every input of actions/setup (and of `hotswap-ci setup`), read and validated in one place before anything
// is downloaded. Each failure names the input, the value and what is expected.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../inputs/errors.js';
import {
  parseBoolean,
  parseChoice,
  parseDnsLabel,
  parseDuration,
  parseInteger,
} from '../inputs/parse.js';
import { SHA256_PATTERN } from '../tools/checksum.js';
import { PINNED } from '../tools/pinned.js';
import { parseVersionSpec, type VersionSpec } from '../tools/versions.js';
import { withDefaults } from '../inputs/defaults.js';
import type { InputReader } from '../inputs/parse.js';

export const CLUSTER_KINDS = ['none', 'kind', 'kwok'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

export interface ToolInput {
  spec: VersionSpec;
  /** Base URL replacing the official one, without a trailing slash. */
  mirror?: string;
  sha256?: string;
}

export interface Inputs {
  helm: ToolInput;
  kubectl: ToolInput;
  kind: ToolInput & { install: boolean };
  cluster: ClusterKind;
  clusterName: string;
  kindConfig?: string;
  kindNodeImage?: string;
  /** A `docker save` archive of the node image, loaded before the create. */
  kindNodeImageArchive?: string;
  waitMs: number;
  kwok: {
    version: string;
    mirror?: string;
    kwokSha256?: string;
    kwokctlSha256?: string;
    kubernetesVersion: string;
    kubernetesMirror?: string;
    etcdVersion: string;
    etcdMirror?: string;
    nodes: number;
  };
  token?: string;
  githubApiUrl: string;
}

/** A base URL for downloads: http(s) with a host, no query or fragment. */
export function parseBaseUrl(input: string, raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  const expected = "an http(s) base URL such as 'https://mirror.example.com/get.helm.sh'";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(input, raw, expected);
  }
  if (!['http:', 'https:'].includes(url.protocol) || !url.hostname || url.search || url.hash)
    throw new InputError(input, raw, expected);
  if (url.username || url.password)
    throw new InputError(input, '***', `${expected}, without credentials in it`);
  return value.replace(/\/+$/, '');
}

/**
 * The token is the runner's, issued by the GitHub at GITHUB_API_URL. It is sent
 * only there: on GitHub Enterprise Server a look-up at api.github.com goes
 * unauthenticated rather than hand a GHES token to another host.
 */
export function tokenFor(
  apiUrl: string,
  token: string,
  runnerApiUrl: string | undefined,
): string | undefined {
  if (!token) return undefined;
  if (!runnerApiUrl) return token;
  try {
    return new URL(apiUrl).origin === new URL(runnerApiUrl).origin ? token : undefined;
  } catch {
    return undefined;
  }
}

export function parseSha256(input: string, raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  if (value === '') return undefined;
  if (!SHA256_PATTERN.test(value))
    throw new InputError(input, raw, 'a sha256 digest: 64 hexadecimal characters');
  return value;
}

/** Cluster names end up in kind container names and kwokctl workdirs. */
function parseClusterName(input: string, raw: string): string {
  const value = parseDnsLabel(input, raw, 40);
  if (!/^[a-z]/.test(value))
    throw new InputError(input, raw, 'a name starting with a lowercase letter');
  return value;
}

/** A file path relative to the workspace that must exist (undefined when the input is empty). */
function existingFile(
  input: string,
  raw: string,
  workspace: string,
  expected: string,
): string | undefined {
  const value = raw.trim();
  if (!value) return undefined;
  const file = path.resolve(workspace, value);
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(input, raw, expected);
  return file;
}

function exact(input: string, raw: string, fallback: string): string {
  const spec = parseVersionSpec(input, raw.trim() || fallback, { allowRanges: false });
  return (spec as { version: string }).version;
}

/** Parses inputs from any reader (core.getInput in the action, the flags in the CLI). */
export function parseInputs(given: InputReader, opts: { workspace?: string } = {}): Inputs {
  const read = withDefaults(given, 'setup');
  const tool = (name: string, fallback: string, rules: { minMajor?: number } = {}): ToolInput => ({
    spec: parseVersionSpec(`${name}-version`, read(`${name}-version`).trim() || fallback, rules),
    mirror: parseBaseUrl(`${name}-mirror`, read(`${name}-mirror`)),
    sha256: parseSha256(`${name}-sha256`, read(`${name}-sha256`)),
  });
  const helm = tool('helm', '4', { minMajor: 3 });
  const kubectl = tool('kubectl', PINNED.kubectl, { minMajor: 1 });
  const kind = {
    ...tool('kind', PINNED.kind),
    install: parseBoolean('install-kind', read('install-kind'), false),
  };
  const cluster = parseChoice('cluster', read('cluster'), CLUSTER_KINDS, 'none');
  const clusterName = parseClusterName('cluster-name', read('cluster-name').trim() || 'hotswap');
  const waitMs = parseDuration('wait', read('wait'), 120_000);

  const workspace = opts.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd();
  const kindConfig = existingFile(
    'kind-config',
    read('kind-config'),
    workspace,
    'the path of an existing kind config file',
  );
  const kindNodeImage = read('kind-node-image').trim() || undefined;
  if (kindNodeImage && !/^[a-z0-9][a-z0-9._/:-]*(@sha256:[a-f0-9]{64})?$/.test(kindNodeImage))
    throw new InputError(
      'kind-node-image',
      kindNodeImage,
      "an image reference such as 'kindest/node:v1.36.3@sha256:<digest>'",
    );

  const kindNodeImageArchive = existingFile(
    'kind-node-image-archive',
    read('kind-node-image-archive'),
    workspace,
    "the path of an existing 'docker save' archive of a kind node image",
  );

  const kwok = {
    version: exact('kwok-version', read('kwok-version'), PINNED.kwok),
    mirror: parseBaseUrl('kwok-mirror', read('kwok-mirror')),
    kwokSha256: parseSha256('kwok-sha256', read('kwok-sha256')),
    kwokctlSha256: parseSha256('kwokctl-sha256', read('kwokctl-sha256')),
    kubernetesVersion: exact('kubernetes-version', read('kubernetes-version'), PINNED.kubernetes),
    kubernetesMirror: parseBaseUrl('kubernetes-mirror', read('kubernetes-mirror')),
    etcdVersion: exact('etcd-version', read('etcd-version'), PINNED.etcd),
    etcdMirror: parseBaseUrl('etcd-mirror', read('etcd-mirror')),
    nodes: parseInteger('kwok-nodes', read('kwok-nodes'), { min: 1, max: 100, fallback: 1 }),
  };
  if (cluster === 'kwok' && !kwok.mirror && !(kwok.kwokSha256 && kwok.kwokctlSha256)) {
    // The kwok project publishes no checksum file: refuse before downloading anything.
    throw new InputError(
      'kwok-mirror',
      '',
      "a mirror serving '<file>.sha256' sidecars, or both 'kwok-sha256' and 'kwokctl-sha256' set " +
        '(the kwok project publishes no checksum file, and an unverified download is never installed)',
    );
  }

  const githubApiUrl =
    parseBaseUrl('github-api-url', read('github-api-url')) ?? 'https://api.github.com';
  const token = tokenFor(githubApiUrl, read('token').trim(), process.env.GITHUB_API_URL);

  return {
    helm,
    kubectl,
    kind,
    cluster,
    clusterName,
    kindConfig,
    kindNodeImage,
    kindNodeImageArchive,
    waitMs,
    kwok,
    token,
    githubApiUrl,
  };
}
