// Job summary of a rollback: from/to, why it failed, and the release history.
import { codeBlock, details, heading, table } from '../report/markdown.js';
import { failureSections, historyTable, rolloutNotes } from '../report/release.js';
import type { RollbackResult } from './rollback.js';

export function rollbackSummary(r: RollbackResult): string {
  const out: string[] = [];
  const icon = r.status === 'rolled-back' ? '↩️' : '❌';
  out.push(heading(2, `${icon} Rollback ${r.namespace}/${r.release}: ${r.status}`));
  out.push(
    table(
      ['from revision', 'from status', 'to revision', 'last verified revision', 'duration'],
      [
        [
          r.from,
          r.fromStatus,
          r.to,
          r.lastVerifiedRevision,
          `${(r.durationMs / 1000).toFixed(1)}s`,
        ],
      ],
    ),
  );
  if (r.unverifiedTarget) {
    out.push(
      `> **No verified revision:** revision ${r.to} is helm's last good revision; nothing recorded it as verified.\n`,
    );
  }
  if (r.sameManifest.length > 0) {
    out.push(
      `> **Passed over:** revision ${r.sameManifest.join(', ')}, the same manifest as revision ${r.from}: rolling back to it would have changed nothing.\n`,
    );
  }
  if (r.cancelled) out.push(`> **Cancelled:** ${r.error ?? ''}; ${r.cancelled}.\n`);
  out.push(...rolloutNotes(r));
  out.push(...failureSections(r));
  for (const d of r.diagnostics) {
    out.push(
      details(
        `${d.object}: ${d.reason}`,
        d.events.length ? codeBlock(d.events.join('\n')) : 'No events.',
      ),
    );
  }
  out.push(heading(3, 'Release history'), historyTable(r.history));
  return out.join('\n');
}
