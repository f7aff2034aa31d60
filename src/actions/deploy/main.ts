// The deploy action: inputs -> validated settings -> deploy() -> outputs,
// job summary and an optional GitHub Deployment status.
import * as core from '@actions/core';
import { deploy, type DeployResult } from '../../deploy/deploy.js';
import { ReleaseRefusedError } from '../../release/release.js';
import { registerSecretLeaves } from '../../deploy/secret-values.js';
import { parseDeploySettings, type DeploySettings } from '../../deploy/settings.js';
import { deploySummary } from '../../deploy/summary.js';
import { openClusterClients } from '../../helm/open.js';
import { InputError } from '../../inputs/errors.js';
import { registerSecret } from '../../secrets/redact.js';
import * as out from '../kit/channels.js';
import { ownExitOnSignal } from '../../exec/signals.js';
import { findBinary, runnerTemp } from '../kit/runner-env.js';
import { finalPreviousRevision, publishPreviousRevision } from './rollback-target.js';

export function readSettings(): DeploySettings {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const settings = parseDeploySettings((name) => core.getInput(name), { workspace });
  // Registered (redacted, and masked with ::add-mask::) before anything can print them.
  registerSecretLeaves(settings.secretValues);
  if (settings.chart.kind === 'oci') registerSecret(settings.chart.registryPassword);
  registerSecret(settings.githubToken);
  return settings;
}

function setOutputs(r: DeployResult): void {
  out.setOutput('status', r.status);
  out.setOutput('revision', String(r.revision ?? ''));
  out.setOutput('previous-revision', finalPreviousRevision(r));
  out.setOutput('rolled-back-to', String(r.rolledBackTo ?? ''));
  out.setOutput('manifest-digest', r.manifestDigest ?? '');
  out.setOutput('last-verified-revision', String(r.lastVerifiedRevision ?? ''));
  out.setOutput('warnings', r.warnings.join('\n'));
  for (const w of r.warnings) out.warning(`Not rolled out: ${w}`);
}

export async function main(): Promise<void> {
  // A signal must not end the process before the release is left in a known state.
  ownExitOnSignal();
  const s = readSettings();
  const { helm, kubectl } = await openClusterClients(s, findBinary);
  out.info(`helm ${helm.major} (${s.helmBin}), release ${s.release} in namespace ${s.namespace}`);

  const target =
    s.githubToken && s.environment
      ? {
          token: s.githubToken,
          environment: s.environment,
          environmentUrl: s.environmentUrl,
          description: `${s.release} to ${s.namespace}`,
        }
      : undefined;
  // Octokit (most of @actions/github) is loaded only when there is a deployment to record.
  const github = target && !s.diffOnly ? await import('./github-deployment.js') : undefined;
  let deploymentId: number | undefined;
  if (target && github) {
    deploymentId = await github.startDeployment(target).catch((e: Error) => {
      out.warning(`Could not create a GitHub deployment: ${e.message}`);
      return undefined;
    });
  }

  let result: DeployResult;
  try {
    result = await deploy(s, {
      helm,
      kubectl,
      tempDir: runnerTemp(),
      log: out.info,
      onHistory: s.diffOnly ? undefined : publishPreviousRevision,
    });
  } catch (error) {
    // Bad input (found against the cluster) sets no status, as every other bad input.
    if (!(error instanceof InputError)) out.setOutput('status', 'failed');
    // Refused before any change (missing namespace, a live deploy holds the release).
    if (error instanceof ReleaseRefusedError || error instanceof InputError)
      out.setOutput('previous-revision', '');
    if (target && github && deploymentId !== undefined) {
      await github
        .setDeploymentState(target, deploymentId, 'error', 'deploy failed')
        .catch(() => {});
    }
    throw error;
  }
  setOutputs(result);
  await out.writeSummary(deploySummary(result, s.environment));
  if (target && github && deploymentId !== undefined) {
    await github
      .setDeploymentState(
        target,
        deploymentId,
        github.deploymentState(result.status),
        result.status,
      )
      .catch((e: Error) => out.warning(`Could not update the GitHub deployment: ${e.message}`));
  }
  if (result.status !== 'deployed' && result.status !== 'diff-only') {
    if (result.cancel) {
      throw new Error(
        `Deploy of ${s.release} ${result.error ?? 'cancelled'}; the release is now at ${result.cancel.state}`,
      );
    }
    const rolled = result.rolledBackTo ? ` (rolled back to revision ${result.rolledBackTo})` : '';
    throw new Error(
      `Deploy of ${s.release} ${result.status}${rolled}: ${result.error ?? 'see the job summary'}`,
    );
  }
}
