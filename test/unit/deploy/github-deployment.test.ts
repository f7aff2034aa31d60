import { beforeEach, describe, expect, it, vi } from 'vitest';

const createDeployment = vi.fn();
const createDeploymentStatus = vi.fn();
vi.mock('@actions/github', () => ({
  getOctokit: vi.fn(() => ({ rest: { repos: { createDeployment, createDeploymentStatus } } })),
  context: {
    repo: { owner: 'hotswap', repo: 'hotswap' },
    sha: 'abc123',
    serverUrl: 'https://github.com',
    runId: 42,
  },
}));

const { startDeployment, setDeploymentState, deploymentState } =
  await import('../../../src/actions/deploy/github-deployment.js');

const target = {
  token: 't',
  environment: 'staging',
  environmentUrl: 'https://staging.example',
  description: 'web to staging',
};

beforeEach(() => {
  createDeployment.mockReset().mockResolvedValue({ data: { id: 7 } });
  createDeploymentStatus.mockReset().mockResolvedValue({ data: {} });
});

describe('GitHub deployment status', () => {
  it('creates a deployment for the commit and marks it in progress', async () => {
    expect(await startDeployment(target)).toBe(7);
    expect(createDeployment).toHaveBeenCalledWith(
      expect.objectContaining({
        owner: 'hotswap',
        repo: 'hotswap',
        ref: 'abc123',
        environment: 'staging',
        auto_merge: false,
        required_contexts: [],
      }),
    );
    expect(createDeploymentStatus).toHaveBeenCalledWith(
      expect.objectContaining({
        deployment_id: 7,
        state: 'in_progress',
        environment_url: 'https://staging.example',
        log_url: 'https://github.com/hotswap/hotswap/actions/runs/42',
      }),
    );
  });

  it('maps deploy outcomes to deployment states', async () => {
    expect([
      deploymentState('deployed'),
      deploymentState('rolled-back'),
      deploymentState('failed'),
    ]).toEqual(['success', 'failure', 'error']);
    await setDeploymentState(target, 7, 'failure', 'x'.repeat(200));
    expect(createDeploymentStatus.mock.calls[0]![0].description).toHaveLength(140);
  });

  it('reports a refused deployment (e.g. a merge conflict answer) as an error', async () => {
    createDeployment.mockResolvedValue({ data: { message: 'Conflict merging main' } });
    await expect(startDeployment(target)).rejects.toThrow(
      /refused the deployment: Conflict merging main/,
    );
  });
});
