// hotswap-ci rollback: the rollback action's domain module from a terminal.
import { Kubectl } from '../../kube/kubectl.js';
import { readRollbackInputs } from '../../rollback/inputs.js';
import { rollback } from '../../rollback/rollback.js';
import { findBinary, openHelm } from '../binaries.js';
import type { Command } from '../command.js';

export const rollbackCommand: Command = {
  name: 'rollback',
  action: 'rollback',
  async run(read, ctx) {
    const s = readRollbackInputs(read);
    const helm = await openHelm({
      bin: s.helmBin,
      major: s.helmMajor,
      kubeconfig: s.kubeconfig,
      kubeContext: s.kubeContext,
    });
    const kubectl = new Kubectl({
      bin: findBinary('kubectl', s.kubectlBin),
      kubeconfig: s.kubeconfig || undefined,
      kubeContext: s.kubeContext || undefined,
    });
    const r = await rollback(s, { helm, kubectl, log: ctx.log });
    return {
      ok: r.status === 'rolled-back',
      detail:
        r.status === 'rolled-back'
          ? `revision ${r.from} (${r.fromStatus}) rolled back to ${r.to}`
          : `rollback to revision ${r.to} failed: ${r.error ?? ''}`,
      outputs: { status: r.status, 'from-revision': String(r.from), 'to-revision': String(r.to) },
    };
  },
};
