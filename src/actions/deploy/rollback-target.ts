// The deploy workflow's rollback step owns the rollback after a cancelled or
// failed deploy, and it can only act on a revision it was told about. So the
// revision to return to is published as soon as the history is read, before
// anything changes: a run cancelled midway (the runner stops this process)
// still leaves it behind. It is withdrawn again when the deploy ends having
// changed nothing, so nothing is rolled back that was not touched.
import * as out from '../kit/channels.js';
import type { DeployResult } from '../../deploy/deploy.js';
import type { RevisionInfo } from '../../helm/helm.js';

/** The revision running now (the newest `deployed` one), published as `previous-revision`. */
export function publishPreviousRevision(history: RevisionInfo[]): void {
  const running = [...history].reverse().find((r) => r.status === 'deployed');
  out.setOutput('previous-revision', running ? String(running.revision) : '');
}

/** The final `previous-revision`: empty when this deploy wrote no revision. */
export function finalPreviousRevision(r: DeployResult): string {
  return r.revision !== undefined && r.previousRevision !== undefined
    ? String(r.previousRevision)
    : '';
}
