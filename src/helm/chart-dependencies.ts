// A chart directory that declares dependencies installs (and lints) only when
// they sit in its charts/ folder. helm judges that itself (`helm dependency list`: ok,
// missing, wrong version...), so we ask it, and run `helm dependency build`
// only when something is missing: vendored dependencies then install with no
// network at all, and a missing one that cannot be fetched fails the deploy
// with its name before anything touches the cluster. helm's refusal of a
// repository not `helm repo add`ed (with a Chart.lock) is met by adding it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { CancelledError, CommandError } from '../exec/command.js';
import { withoutCredentials } from '../secrets/redact.js';
import { chartMetadata } from './chart-metadata.js';
import type { Helm } from './helm.js';

export interface DependencyStatus {
  name: string;
  version: string;
  repository: string;
  /** helm's word: ok, unpacked, missing, wrong version, misnamed... */
  status: string;
}

/** Dependencies `helm dependency build` could not fetch, and helm's words for why. */
export class ChartDependencyError extends Error {
  constructor(
    message: string,
    readonly missing: readonly DependencyStatus[],
    readonly reason: string,
  ) {
    super(message);
  }
}

/** Statuses with which helm installs the chart as it is. */
const SATISFIED = new Set(['ok', 'unpacked']);

/** Parses the table `helm dependency list` prints (NAME VERSION REPOSITORY STATUS). */
export function parseDependencyList(stdout: string): DependencyStatus[] {
  const rows: DependencyStatus[] = [];
  let inTable = false; // warnings may come before the header
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells[0] === 'NAME' && cells[3] === 'STATUS') inTable = true;
    else if (inTable && cells.length >= 4) {
      const [name, version, repository, ...status] = cells;
      rows.push({
        name: name!,
        version: version!,
        repository: repository!,
        status: status.join(' '),
      });
    }
  }
  return rows;
}

/** Whether Chart.yaml (apiVersion v2) or requirements.yaml (v1) declares dependencies. */
export function declaresDependencies(chartDir: string): boolean {
  // A broken Chart.yaml declares nothing here: helm reports it in its own words.
  return ['Chart.yaml', 'requirements.yaml'].some((file) => {
    const dependencies = chartMetadata(chartDir, file)?.dependencies;
    return Array.isArray(dependencies) && dependencies.length > 0;
  });
}

/**
 * helm's own words for why: an unreachable repository is reported on stdout
 * ("Unable to get an update from ... repository:" and the cause on the next
 * line) before the `Error:` that follows from it.
 */
export function failureReason(output: string): string {
  const unreachable = /Unable to get an update from the "[^"]*" chart repository:\s*\n\s*(.+)/.exec(
    output,
  );
  if (unreachable) return unreachable[1]!.trim();
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const error = lines.filter((l) => /^Error:/.test(l)).at(-1) ?? lines.at(-1) ?? 'helm failed';
  return error.replace(/^Error:\s*/, '').trim();
}

/** `dependency 'redis' 19.0.0 from https://... (missing)`, for each of them. */
export function describeMissing(missing: readonly DependencyStatus[]): string {
  const each = missing.map(
    (d) => `'${d.name}' ${d.version} from ${withoutCredentials(d.repository)} (${d.status})`,
  );
  return `dependenc${missing.length === 1 ? 'y' : 'ies'} ${each.join(', ')}`;
}

/** What a user does about a dependency that cannot be fetched. */
export const VENDOR_ADVICE =
  "Vendor it under the chart's charts/ folder (run helm dependency build where the repository is reachable and commit charts/), or make the repository reachable.";

/**
 * The http(s) repositories `helm dependency build` wants added first: with a
 * Chart.lock it fetches only from repositories in the repository config
 * (without one it takes a URL as it is).
 */
export function unmanagedRepositories(output: string): string[] {
  const listed = /no repository definition for (.+?)\. Please add/.exec(output)?.[1];
  // One with credentials in it is left as helm refused it: they would go on a command line.
  const added = (url: string) => /^https?:\/\//.test(url) && withoutCredentials(url) === url;
  return listed ? listed.split(', ').filter(added) : [];
}

/** A name of our own for a repository added by URL: the same URL, the same name. */
export function repositoryName(url: string): string {
  return `hotswap-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

async function buildDependencies(helm: Helm, chartDir: string): Promise<void> {
  // Not --skip-refresh: a repository given by URL (not `helm repo add`ed)
  // has no cached index, and helm would fail on it even when it is reachable.
  const build = () => helm.run(['dependency', 'build', chartDir]);
  try {
    await build();
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    const unmanaged = unmanagedRepositories(`${error.result.stdout}\n${error.result.stderr}`);
    if (!unmanaged.length) throw error;
    // As a user would: `helm repo add` each (the versions Chart.lock pins stay), then again.
    for (const url of unmanaged) await helm.run(['repo', 'add', repositoryName(url), url]);
    await build();
  }
}

/**
 * Makes sure a local chart directory has its dependencies under charts/.
 * Returns what was done, for the log; throws ChartDependencyError naming the
 * chart and each dependency that could not be fetched.
 */
export async function ensureChartDependencies(
  helm: Helm,
  chartDir: string,
): Promise<string | undefined> {
  if (!declaresDependencies(chartDir)) return undefined;
  // As the user wrote it: relative to the workspace (the step's working directory).
  const relative = path.relative(process.cwd(), chartDir);
  const chartLabel = `'${relative && !relative.startsWith('..') ? relative : chartDir}'`;
  const listed = parseDependencyList(
    (await helm.run(['dependency', 'list', chartDir], { rawOutput: true })).stdout,
  );
  const missing = listed.filter((d) => !SATISFIED.has(d.status));
  if (missing.length === 0) {
    return `chart ${chartLabel}: ${listed.length} dependenc${listed.length === 1 ? 'y' : 'ies'} vendored under charts/`;
  }
  try {
    await buildDependencies(helm, chartDir);
  } catch (error) {
    if (error instanceof CancelledError || !(error instanceof CommandError)) throw error;
    const reason = withoutCredentials(
      failureReason(`${error.result.stdout}\n${error.result.stderr}`),
    );
    throw new ChartDependencyError(
      `chart ${chartLabel}: ${describeMissing(missing)} could not be fetched (${reason}). ${VENDOR_ADVICE} Nothing in the cluster was changed.`,
      missing,
      reason,
    );
  }
  return `chart ${chartLabel}: helm dependency build fetched ${missing.map((d) => d.name).join(', ')}`;
}
