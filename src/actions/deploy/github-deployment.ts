// Records the deploy as a GitHub Deployment with a status, when a token is
// given. Failures here never fail the deploy: they become a warning.
import * as github from '@actions/github';
import type { DeployStatus } from '../../deploy/deploy.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error';

export interface DeploymentTarget {
  token: string;
  environment: string;
  environmentUrl?: string;
  description: string;
}

export async function startDeployment(t: DeploymentTarget): Promise<number> {
  const octokit = github.getOctokit(t.token);
  const { owner, repo } = github.context.repo;
  const created = await octokit.rest.repos.createDeployment({
    owner,
    repo,
    ref: github.context.sha,
    environment: t.environment,
    description: t.description,
    auto_merge: false,
    required_contexts: [],
    transient_environment: false,
  });
  if (!('id' in created.data))
    throw new Error(`GitHub refused the deployment: ${created.data.message ?? 'no id'}`);
  await setDeploymentState(t, created.data.id, 'in_progress', t.description);
  return created.data.id;
}

export async function setDeploymentState(
  t: DeploymentTarget,
  deploymentId: number,
  state: DeploymentState,
  description: string,
): Promise<void> {
  const octokit = github.getOctokit(t.token);
  const { owner, repo } = github.context.repo;
  await octokit.rest.repos.createDeploymentStatus({
    owner,
    repo,
    deployment_id: deploymentId,
    state,
    description: description.slice(0, 140),
    ...(t.environmentUrl ? { environment_url: t.environmentUrl } : {}),
    log_url: `${github.context.serverUrl}/${owner}/${repo}/actions/runs/${github.context.runId}`,
  });
}

export function deploymentState(status: DeployStatus): DeploymentState {
  return status === 'deployed' ? 'success' : status === 'failed' ? 'error' : 'failure';
}
