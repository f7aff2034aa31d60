// The deploy step: inputs -> settings and their secrets -> deploy() ->
// outputs; shared by actions/deploy and `hotswap-ci deploy`.
import { withClusterClients } from '../helm/open.js';
import type { Step } from '../step/step.js';
import { deploy, type DeployResult } from './deploy.js';
import { secretLeaves } from './secret-values.js';
import { parseDeploySettings, type DeploySettings } from './settings.js';
import { deploySummary } from './summary.js';

export const deployStep: Step<DeploySettings, DeployResult> = {
  action: 'deploy',
  secretInputs: ['registry-password', 'token'],
  // A signal must not end the process before the release is left in a known state.
  ownsSignals: true,
  parse(read, ctx) {
    const settings = parseDeploySettings(read, ctx);
    const password = settings.chart.kind === 'local' ? '' : settings.chart.password;
    const secrets = [...secretLeaves(settings.secretValues), password, settings.githubToken];
    return { settings, secrets: secrets.filter((s) => s !== '') };
  },
  async run(s, ctx) {
    return withClusterClients(s, ctx.tempDir, ctx.log, ({ helm, kubectl }) => {
      ctx.log(
        `helm ${helm.major} (${s.helmBin}), release ${s.release} in namespace ${s.namespace}`,
      );
      return deploy(s, {
        helm,
        kubectl,
        tempDir: ctx.tempDir,
        log: ctx.log,
        // The revision running now, published before anything changes: where the
        // deploy workflow's rollback step returns to, even after a run cancelled
        // midway (withdrawn below when nothing was written).
        onStart: s.diffOnly
          ? undefined
          : (start) => ctx.publish('previous-revision', String(start.deployed ?? '')),
      });
    });
  },
  outputs: (r) => ({
    status: r.status,
    revision: String(r.revision ?? ''),
    // Empty when this deploy wrote no revision: nothing of it is to be rolled back.
    'previous-revision':
      r.revision !== undefined && r.previousRevision !== undefined
        ? String(r.previousRevision)
        : '',
    'rolled-back-to': String(r.rolledBackTo ?? ''),
    'manifest-digest': r.manifestDigest ?? '',
    'last-verified-revision': String(r.lastVerifiedRevision ?? ''),
    warnings: r.warnings.join('\n'),
  }),
  ok: (r) => r.status === 'deployed' || r.status === 'diff-only',
  detail(r) {
    if (r.status === 'rolled-back')
      return `revision ${r.revision ?? '?'} failed, rolled back to ${r.rolledBackTo}: ${r.error ?? ''}`;
    if (r.status === 'deployed') return `revision ${r.revision} deployed`;
    if (r.cancel) return `${r.error ?? 'cancelled'}; the release is now at ${r.cancel.state}`;
    return `${r.status}${r.error ? `: ${r.error}` : ''}`;
  },
  failure(r, s) {
    if (r.cancel)
      return `Deploy of ${s.release} ${r.error ?? 'cancelled'}; the release is now at ${r.cancel.state}`;
    const rolled = r.rolledBackTo ? ` (rolled back to revision ${r.rolledBackTo})` : '';
    return `Deploy of ${s.release} ${r.status}${rolled}: ${r.error ?? 'see the job summary'}`;
  },
  warnings: (r) => r.warnings.map((w) => `Not rolled out: ${w}`),
  summary: (r, s) => deploySummary(r, s.environment),
};
