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

/**
 * One line per object whose new revision runs nowhere (a warning), per object
 * not judged, and per pod deleted for a StatefulSet forced rollback.
 */
export function rolloutNotes(r: {
  warnings: readonly string[];
  notJudged: readonly string[];
  deletedPods?: readonly string[];
}): string[] {
  const out: string[] = [];
  for (const w of r.warnings) out.push(`> ⚠️ **Not rolled out:** ${w}\n`);
  for (const n of r.notJudged) out.push(`> ℹ️ **Not judged:** ${n}\n`);
  if (r.deletedPods?.length) {
    out.push(
      `> 🗑️ **Forced rollback:** deleted pod(s) ${r.deletedPods.join(', ')} of the broken revision, which the StatefulSet controller does not replace once its template is reverted\n`,
    );
  }
  return out;
}
