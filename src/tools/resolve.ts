// Turns a version request into an exact version from the tool's official
// source: helm and kind from their GitHub releases, kubectl from dl.k8s.io's
// stable markers. Exact versions pass through without any request.
import { githubReleaseTags, kubernetesStable, type GitHubApi } from './lookup.js';
import { describeSpec, majorOf, pickVersion, type VersionSpec } from './versions.js';

export type ResolvableTool = 'helm' | 'kubectl' | 'kind';

export const RELEASE_REPOS: Record<Exclude<ResolvableTool, 'kubectl'>, string> = {
  helm: 'helm/helm',
  kind: 'kubernetes-sigs/kind',
};

export interface ResolveSources {
  github: GitHubApi;
  /** Base of the dl.k8s.io layout (the official one or a mirror) for kubectl's stable markers. */
  kubernetesBase: string;
}

export interface ResolvedVersion {
  version: string;
  /** What the user asked for. */
  requested: string;
  /** Where the version came from: the look-up URL, or `exact`. */
  source: string;
}

export class NoMatchingVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoMatchingVersionError';
  }
}

export async function resolveToolVersion(
  tool: ResolvableTool,
  spec: VersionSpec,
  sources: ResolveSources,
): Promise<ResolvedVersion> {
  const requested = describeSpec(spec);
  if (spec.kind === 'exact') return { version: spec.version, requested, source: 'exact' };

  if (tool === 'kubectl') {
    const line =
      spec.kind === 'range' && spec.minor !== undefined
        ? { major: spec.major, minor: spec.minor }
        : undefined;
    const { version, url } = await kubernetesStable(sources.kubernetesBase, line);
    if (spec.kind === 'range' && majorOf(version) !== spec.major)
      throw new NoMatchingVersionError(
        `${url} names ${version}, which is not a ${requested}.x release`,
      );
    return { version, requested, source: url };
  }

  const repo = RELEASE_REPOS[tool];
  const tags = await githubReleaseTags(repo, sources.github);
  const where = `${sources.github.apiUrl.replace(/\/+$/, '')}/repos/${repo}/releases`;
  const version = pickVersion(spec, tags);
  if (!version)
    throw new NoMatchingVersionError(
      `no stable ${tool} release matches '${requested}' among the ${tags.length} stable releases listed at ${where}`,
    );
  return { version, requested, source: where };
}
