// hotswap-ci rollback: the rollback action's domain module from a terminal.
import { openClusterClients } from '../../helm/open.js';
import { readRollbackInputs } from '../../rollback/inputs.js';
import { rollback } from '../../rollback/rollback.js';
import { findBinary } from '../binaries.js';
import type { Command } from '../command.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  action: 'rollback',
  async run(read, ctx) {
    const s = readRollbackInputs(read);
    const { helm, kubectl } = await openClusterClients(s, findBinary);
    const r = await rollback(s, { helm, kubectl, log: ctx.log });
    return {
      ok: r.status === 'rolled-back',
      detail:
        r.status === 'rolled-back'
          ? `revision ${r.from} (${r.fromStatus}) rolled back to ${r.to}`
          : `rollback to revision ${r.to} failed: ${r.error ?? ''}`,
      outputs: {
        status: r.status,
        'from-revision': String(r.from),
        'to-revision': String(r.to),
        'last-verified-revision': String(r.lastVerifiedRevision ?? ''),
        warnings: r.warnings.join('\n'),
      },
    };
  },
};
