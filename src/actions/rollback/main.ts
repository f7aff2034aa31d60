// The rollback action: inputs -> settings -> rollback() -> outputs and summary.
import * as core from '@actions/core';
import { openClusterClients } from '../../helm/open.js';
import { readRollbackInputs } from '../../rollback/inputs.js';
import { rollback } from '../../rollback/rollback.js';
import { rollbackSummary } from '../../rollback/summary.js';
import * as out from '../kit/channels.js';
import { ownExitOnSignal } from '../../exec/signals.js';
import { findBinary } from '../kit/runner-env.js';

export async function main(): Promise<void> {
  // A signal lets helm rollback finish rather than leave the release pending-rollback.
  ownExitOnSignal();
  const s = readRollbackInputs((name) => core.getInput(name));
  const { helm, kubectl } = await openClusterClients(s, findBinary);
  const result = await rollback(s, { helm, kubectl, log: out.info });
  out.setOutput('status', result.status);
  out.setOutput('from-revision', String(result.from));
  out.setOutput('to-revision', String(result.to));
  out.setOutput('last-verified-revision', String(result.lastVerifiedRevision ?? ''));
  out.setOutput('warnings', result.warnings.join('\n'));
  for (const w of result.warnings) out.warning(`Not rolled out: ${w}`);
  await out.writeSummary(rollbackSummary(result));
  if (result.cancelled) {
    throw new Error(`Rollback of ${s.release} ${result.error ?? 'cancelled'}; ${result.cancelled}`);
  }
  if (result.status !== 'rolled-back') {
    throw new Error(
      `Rollback of ${s.release} to revision ${result.to} failed: ${result.error ?? 'see the job summary'}`,
    );
  }
}
