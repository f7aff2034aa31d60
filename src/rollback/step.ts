// The rollback step: inputs -> settings -> rollback() -> outputs; shared by
// actions/rollback and `hotswap-ci rollback`.
import { withClusterClients } from '../helm/open.js';
import type { Step } from '../step/step.js';
import { readRollbackInputs, type RollbackInputs } from './inputs.js';
import { rollback, type RollbackResult } from './rollback.js';
import { rollbackSummary } from './summary.js';

export const rollbackStep: Step<RollbackInputs, RollbackResult> = {
  action: 'rollback',
  // A signal lets helm rollback finish rather than leave the release pending-rollback.
  ownsSignals: true,
  parse: (read) => ({ settings: readRollbackInputs(read), secrets: [] }),
  async run(s, ctx) {
    return withClusterClients(s, ctx.tempDir, ctx.log, ({ helm, kubectl }) =>
      rollback(s, { helm, kubectl, log: ctx.log }),
    );
  },
  outputs: (r) => ({
    status: r.status,
    'from-revision': String(r.from),
    'to-revision': String(r.to),
    'last-verified-revision': String(r.lastVerifiedRevision ?? ''),
    warnings: r.warnings.join('\n'),
  }),
  ok: (r) => r.status === 'rolled-back' && !r.cancelled,
  detail: (r) =>
    r.status === 'rolled-back'
      ? `revision ${r.from} (${r.fromStatus}) rolled back to ${r.to}`
      : `rollback to revision ${r.to} failed: ${r.error ?? ''}`,
  failure: (r, s) =>
    r.cancelled
      ? `Rollback of ${s.release} ${r.error ?? 'cancelled'}; ${r.cancelled}`
      : `Rollback of ${s.release} to revision ${r.to} failed: ${r.error ?? 'see the job summary'}`,
  warnings: (r) => r.warnings.map((w) => `Not rolled out: ${w}`),
  summary: (r) => rollbackSummary(r),
};
