// The deploy action: inputs -> validated settings -> deploy() -> outputs,
// job summary and an optional GitHub Deployment status.
import * as core from '@actions/core';
import { deploy, type DeployResult } from '../../deploy/deploy.js';
import { registerSecretLeaves } from '../../deploy/secret-values.js';
import { parseDeploySettings, type DeploySettings } from '../../deploy/settings.js';
import { deploySummary } from '../../deploy/summary.js';
import { openClusterClients } from '../../helm/open.js';
import { redact } from '../../secrets/redact.js';
import { findBinary, runnerTemp } from '../kit/helm.js';

export function readSettings(): DeploySettings {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const settings = parseDeploySettings((name) => core.getInput(name), { workspace });
  // Mask before anything can print them.
  for (const leaf of registerSecretLeaves(settings.secretValues)) core.setSecret(leaf);
  if (settings.chart.kind === 'oci' && settings.chart.registryPassword) {
    core.setSecret(settings.chart.registryPassword);
  }
  if (settings.githubToken) core.setSecret(settings.githubToken);
  return settings;
}

function setOutputs(r: DeployResult): void {
  core.setOutput('status', r.status);
  core.setOutput('revision', r.revision ?? '');
  core.setOutput('previous-revision', r.previousRevision ?? '');
  core.setOutput('rolled-back-to', r.rolledBackTo ?? '');
  core.setOutput('manifest-digest', r.manifestDigest ?? '');
}

export async function main(): Promise<void> {
  const s = readSettings();
  const { helm, kubectl } = await openClusterClients(s, findBinary);
  core.info(`helm ${helm.major} (${s.helmBin}), release ${s.release} in namespace ${s.namespace}`);

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
      core.warning(`Could not create a GitHub deployment: ${redact(e.message)}`);
      return undefined;
    });
  }

  let result: DeployResult;
  try {
    result = await deploy(s, {
      helm,
      kubectl,
      tempDir: runnerTemp(),
      log: (line) => core.info(line),
    });
  } catch (error) {
    core.setOutput('status', 'failed');
    if (target && github && deploymentId !== undefined) {
      await github
        .setDeploymentState(target, deploymentId, 'error', 'deploy failed')
        .catch(() => {});
    }
    throw error;
  }
  setOutputs(result);
  await core.summary.addRaw(deploySummary(result, s.environment)).write();
  if (target && github && deploymentId !== undefined) {
    await github
      .setDeploymentState(
        target,
        deploymentId,
        github.deploymentState(result.status),
        result.status,
      )
      .catch((e: Error) =>
        core.warning(`Could not update the GitHub deployment: ${redact(e.message)}`),
      );
  }
  if (result.status !== 'deployed' && result.status !== 'diff-only') {
    const rolled = result.rolledBackTo ? ` (rolled back to revision ${result.rolledBackTo})` : '';
    throw new Error(
      `Deploy of ${s.release} ${result.status}${rolled}: ${result.error ?? 'see the job summary'}`,
    );
  }
}
