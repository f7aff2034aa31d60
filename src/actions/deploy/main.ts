// The deploy action: inputs -> validated settings -> deploy() -> outputs,
// job summary and an optional GitHub Deployment status.
import * as core from '@actions/core';
import { deploy, type DeployResult } from '../../deploy/deploy.js';
import { registerSecretLeaves } from '../../deploy/secret-values.js';
import { parseDeploySettings, type DeploySettings } from '../../deploy/settings.js';
import { deploySummary } from '../../deploy/summary.js';
import { openClusterClients } from '../../helm/open.js';
import { ownExitOnSignal } from '../../exec/signals.js';
import { redact } from '../../secrets/redact.js';
import { findBinary, runnerTemp } from '../kit/helm.js';
import { deploymentState, setDeploymentState, startDeployment } from './github-deployment.js';

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
  core.setOutput('last-verified-revision', r.lastVerifiedRevision ?? '');
  core.setOutput('warnings', r.warnings.join('\n'));
  for (const w of r.warnings) core.warning(`Not rolled out: ${w}`);
}

export async function main(): Promise<void> {
  // A signal must not end the process before the release is left in a known state.
  ownExitOnSignal();
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
  let deploymentId: number | undefined;
  if (target && !s.diffOnly) {
    deploymentId = await startDeployment(target).catch((e: Error) => {
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
    if (target && deploymentId !== undefined) {
      await setDeploymentState(target, deploymentId, 'error', 'deploy failed').catch(() => {});
    }
    throw error;
  }
  setOutputs(result);
  await core.summary.addRaw(deploySummary(result, s.environment)).write();
  if (target && deploymentId !== undefined) {
    await setDeploymentState(
      target,
      deploymentId,
      deploymentState(result.status),
      result.status,
    ).catch((e: Error) =>
      core.warning(`Could not update the GitHub deployment: ${redact(e.message)}`),
    );
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
