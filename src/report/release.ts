// Summary sections a deploy and a rollback both show: why the rollout failed
// and the release history.
import type { RevisionInfo } from '../helm/helm.js';
import type { RolloutFailure } from '../kube/rollout.js';
import { codeBlock, heading, table } from './markdown.js';

export function historyTable(history: readonly RevisionInfo[], limit = 10): string {
  return table(
    ['revision', 'updated', 'status', 'chart', 'app version', 'description'],
    history
      .slice(-limit)
      .reverse()
      .map((r) => [r.revision, r.updated, r.status, r.chart, r.app_version, r.description]),
  );
}

/** The error, then one row per object that did not roll out; nothing when both are empty. */
export function failureSections(r: {
  error?: string;
  failures: readonly RolloutFailure[];
}): string[] {
  const out: string[] = [];
  if (r.error) out.push(heading(3, 'Why it failed'), codeBlock(r.error));
  if (r.failures.length > 0) {
    out.push(
      table(
        ['object', 'reason', 'message'],
        r.failures.map((f) => [f.object, f.reason, f.message]),
      ),
    );
  }
  return out;
}
