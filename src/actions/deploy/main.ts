// The deploy action: the deploy step (src/deploy/step.ts) run by the action
// runner, with an optional GitHub Deployment status around it.
import type { DeployResult } from '../../deploy/deploy.js';
import type { DeploySettings } from '../../deploy/settings.js';
import { deployStep } from '../../deploy/step.js';
import { InputError } from '../../inputs/errors.js';
import { ReleaseRefusedError } from '../../release/release.js';
import * as out from '../kit/channels.js';
import { actionStep } from '../kit/step-runner.js';

/** Records the deploy as a GitHub Deployment when a token and an environment are given. */
async function withDeployment(
  s: DeploySettings,
  run: () => Promise<DeployResult>,
): Promise<DeployResult> {
  if (!s.githubToken || !s.environment || s.diffOnly) return run();
  const target = {
    token: s.githubToken,
    environment: s.environment,
    environmentUrl: s.environmentUrl,
    description: `${s.release} to ${s.namespace}`,
  };
  // Octokit (most of @actions/github) is loaded only when there is a deployment to record.
  const github = await import('./github-deployment.js');
  const id = await github.startDeployment(target).catch((e: Error) => {
    out.warning(`Could not create a GitHub deployment: ${e.message}`);
    return undefined;
  });
  if (id === undefined) return run();
  let result: DeployResult;
  try {
    result = await run();
  } catch (error) {
    await github.setDeploymentState(target, id, 'error', 'deploy failed').catch(() => {});
    throw error;
  }
  await github
    .setDeploymentState(target, id, github.deploymentState(result.status), result.status)
    .catch((e: Error) => out.warning(`Could not update the GitHub deployment: ${e.message}`));
  return result;
}

export const main = actionStep(deployStep, {
  around: withDeployment,
  outputsOnError(error) {
    // Bad input (found against the cluster) sets no status, as every other bad input.
    const outputs: Record<string, string> = error instanceof InputError ? {} : { status: 'failed' };
    // Refused before any change (missing namespace, a live deploy holds the release).
    if (error instanceof ReleaseRefusedError || error instanceof InputError)
      outputs['previous-revision'] = '';
    return outputs;
  },
});
