// hotswap-ci deploy: the deploy action's domain module from a terminal.
import { deploy } from '../../deploy/deploy.js';
import { registerSecretLeaves } from '../../deploy/secret-values.js';
import { parseDeploySettings } from '../../deploy/settings.js';
import { openClusterClients } from '../../helm/open.js';
import { findBinary } from '../binaries.js';
import type { Command } from '../command.js';

export const deployCommand: Command = {
  name: 'deploy',
  action: 'deploy',
  async run(read, ctx) {
    const s = parseDeploySettings(read, { workspace: ctx.cwd });
    registerSecretLeaves(s.secretValues);
    const { helm, kubectl } = await openClusterClients(s, findBinary);
    ctx.log(`helm ${helm.major}, release ${s.release} in namespace ${s.namespace}`);
    const r = await deploy(s, { helm, kubectl, tempDir: ctx.tempDir, log: ctx.log });
    const ok = r.status === 'deployed' || r.status === 'diff-only';
    const detail =
      r.status === 'rolled-back'
        ? `revision ${r.revision ?? '?'} failed, rolled back to ${r.rolledBackTo}: ${r.error ?? ''}`
        : r.status === 'deployed'
          ? `revision ${r.revision} deployed`
          : r.cancel
            ? `${r.error ?? 'cancelled'}; the release is now at ${r.cancel.state}`
            : `${r.status}${r.error ? `: ${r.error}` : ''}`;
    return {
      ok,
      detail,
      outputs: {
        status: r.status,
        revision: String(r.revision ?? ''),
        'previous-revision': String(r.previousRevision ?? ''),
        'rolled-back-to': String(r.rolledBackTo ?? ''),
        'manifest-digest': r.manifestDigest ?? '',
        'last-verified-revision': String(r.lastVerifiedRevision ?? ''),
        warnings: r.warnings.join('\n'),
      },
    };
  },
};
