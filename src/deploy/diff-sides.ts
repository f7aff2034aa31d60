// The two sides of a deploy's diff: the objects of the running release, read
// while helm upgrades, and for diff-only the manifest an upgrade would apply,
// rendered with a server-side dry run (nothing is applied).
import { CancelledError } from '../exec/command.js';
import { revisionManifest } from '../release/stored-release.js';
import { redact } from '../secrets/redact.js';
import type { ChartAccess } from './chart-access.js';
import { releaseJson, type DeployDeps } from './deploy.js';
import { diffManifests } from './diff.js';
import type { DeploySettings } from './settings.js';
import { upgradeArgs } from './upgrade.js';

/**
 * The manifest of the running release (empty when none is deployed), read
 * now and awaited later. It is parsed only once helm upgrade has returned:
 * while helm applies, the two CPUs are helm's and the API server's, and
 * parsing beside them slowed the upgrade (A/B on kwok, docs/performance.md).
 * A failed read means no diff (logged) rather than a failed deploy whose
 * upgrade went through.
 */
export function runningManifest(
  s: DeploySettings,
  deps: DeployDeps,
  latest: number,
  hasDeployed: boolean,
): Promise<string | undefined> {
  if (!hasDeployed || latest === 0) return Promise.resolve('');
  // The newest revision, as `helm get manifest` reads it without --revision.
  return revisionManifest(deps, s.release, s.namespace, latest).catch((error: unknown) => {
    if (!(error instanceof CancelledError))
      deps.log(
        `No diff: the running release's manifest could not be read (${redact(String(error))})`,
      );
    return undefined;
  });
}

/** diff-only: the objects an upgrade would change, against the running release (secrets redacted). */
export async function plannedDiff(
  s: DeploySettings,
  deps: DeployDeps,
  access: ChartAccess,
  hasDeployed: boolean,
): Promise<ReturnType<typeof diffManifests>> {
  const { helm } = deps;
  const [rendered, current] = await Promise.all([
    helm.run(
      upgradeArgs(s, {
        major: helm.major,
        chartRef: access.chartRef,
        secretValuesFile: access.secretValuesFile,
        dryRun: hasDeployed ? 'server' : 'client',
      }),
      { rawOutput: true, env: access.env },
    ),
    hasDeployed ? helm.manifest(s.release, s.namespace) : Promise.resolve(''),
  ]);
  const planned = releaseJson(rendered.stdout).manifest ?? '';
  return diffManifests(current, planned, s.namespace);
}
