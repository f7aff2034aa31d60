// The job summary of a deploy, as markdown: outcome, rollout failures with
// their diagnostics, rollback, diff and release history.
import { codeBlock, details, heading, table } from '../report/markdown.js';
import { failureSections, historyTable, rolloutNotes } from '../report/release.js';
import type { CancelOutcome } from './cancel.js';
import type { DeployResult } from './deploy.js';

const ICON: Record<DeployResult['status'], string> = {
  deployed: '✅',
  'rolled-back': '↩️',
  failed: '❌',
  'diff-only': '🔍',
  cancelled: '⏹️',
};

/** `Time by phase: prepare 0.3s · upgrade 0.7s · ...`: where to look when a deploy is slow. */
function phaseLine(r: DeployResult): string {
  return `Time by phase: ${r.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)}s`).join(' · ')}`;
}

export function deploySummary(r: DeployResult, environment: string): string {
  const out: string[] = [];
  const where = `${r.namespace}/${r.release}${environment ? ` (${environment})` : ''}`;
  out.push(heading(2, `${ICON[r.status]} Deploy ${where}: ${r.status}`));
  out.push(
    table(
      [
        'status',
        'revision',
        'previous revision',
        'rolled back to',
        'last verified revision',
        'manifest digest',
        'duration',
      ],
      [
        [
          r.status,
          r.revision,
          r.previousRevision,
          r.rolledBackTo,
          r.lastVerifiedRevision,
          r.manifestDigest ? `\`${r.manifestDigest.slice(0, 19)}…\`` : undefined,
          `${(r.durationMs / 1000).toFixed(1)}s`,
        ],
      ],
    ),
  );
  if (r.phases.length) out.push(`${phaseLine(r)}\n`);
  if (r.recovery) out.push(`> **Release recovered:** ${r.recovery}\n`);
  if (r.adoption) out.push(`> **First verification of this release:** ${r.adoption}\n`);
  if (r.cancel) out.push(...cancelSection(r.cancel));
  const deletedPods = [...(r.deletedPods ?? []), ...(r.rollback?.deletedPods ?? [])];
  out.push(...rolloutNotes({ ...r, deletedPods }));
  out.push(...failureSections(r));
  for (const d of r.diagnostics) {
    const parts: string[] = [];
    parts.push(`**${d.reason}**: ${d.message}\n`);
    parts.push(
      d.events.length ? `Recent events:\n\n${codeBlock(d.events.join('\n'))}` : 'No events.\n',
    );
    for (const l of d.logs) {
      parts.push(
        l.lines === undefined
          ? `Container \`${l.container}\`: no logs available from the cluster.\n`
          : `Container \`${l.container}\`, last lines:\n\n${codeBlock(l.lines)}`,
      );
    }
    out.push(details(`${d.object}: ${d.reason}`, parts.join('\n')));
  }
  if (r.rollback) {
    out.push(heading(3, 'Rollback'), `${r.rollback.ok ? '✅' : '❌'} ${r.rollback.message}\n`);
  }
  if (r.diff) {
    out.push(heading(3, `Changes (${r.diff.length} object${r.diff.length === 1 ? '' : 's'})`));
    if (r.diff.length === 0) out.push('No object changes.\n');
    else {
      out.push(
        table(
          ['change', 'object'],
          r.diff.map((c) => [c.change, c.id]),
        ),
      );
      for (const c of r.diff.filter((c) => c.lines.length > 0)) {
        out.push(details(c.id, codeBlock(c.lines.join('\n'), 'diff')));
      }
    }
  }
  if (r.history.length > 0) out.push(heading(3, 'Release history'), historyTable(r.history));
  return out.join('\n');
}

/** What a cancelled run found and did, in order, and the state it left. */
function cancelSection(c: CancelOutcome): string[] {
  return [
    heading(3, `Cancelled (${c.signal}) during ${c.phase}`),
    c.steps.map((line) => `- ${line}`).join('\n') + '\n',
    `The release is now at ${c.state}.\n`,
  ];
}
