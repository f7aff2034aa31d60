// The shell steps of deploy.yml that hold logic of their own, run with bash
// the way the runner runs a `run:` step (env from the step, GITHUB_OUTPUT,
// RUNNER_TEMP): the environment name normalized for the values files, the
// kubeconfig written 0600 with its credentials masked, the final status
// derived from the step outcomes, and the first step's checks of where the
// actions come from.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFileCommands, REPO_ROOT } from '../support/run-action.js';

interface Step {
  name?: string;
  run?: string;
}
const workflow = YAML.parse(
  readFileSync(path.join(REPO_ROOT, '.github/workflows/deploy.yml'), 'utf8'),
) as { env: Record<string, string>; jobs: { deploy: { steps: Step[] } } };
const script = (name: string) => {
  const step = workflow.jobs.deploy.steps.find((s) => s.name === name);
  if (!step?.run) throw new Error(`deploy.yml has no run step '${name}'`);
  return step.run;
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs a step's script; returns its exit code, stdout and GITHUB_OUTPUT. */
function runStep(name: string, env: Record<string, string>, cwd?: string) {
  const temp = mkdtempSync(path.join(tmpdir(), 'deploy-step-'));
  dirs.push(temp);
  const output = path.join(temp, 'output');
  const summary = path.join(temp, 'summary');
  writeFileSync(output, '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script(name)], {
    cwd: cwd ?? temp,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      RUNNER_TEMP: temp,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      HOTSWAP_ACTIONS: workflow.env.HOTSWAP_ACTIONS!,
      HOTSWAP_REPOSITORY: workflow.env.HOTSWAP_REPOSITORY!,
      ...env,
    },
  });
  return {
    code: r.status,
    stdout: r.stdout,
    outputs: parseFileCommands(readFileSync(output, 'utf8')),
    summary: (() => {
      try {
        return readFileSync(summary, 'utf8');
      } catch {
        return '';
      }
    })(),
  };
}

describe('deploy.yml: chart version and values files', () => {
  it('accepts any GitHub environment name; the values files use its normalized form', () => {
    const r = runStep('Resolve the chart version and values files', {
      CHART: path.join(REPO_ROOT, 'chart/hotswap'),
      CHART_VERSION: '',
      VALUES: 'chart/environments/{environment}.yaml\n\nextra/{environment}-secrets.yaml\n',
      ENVIRONMENT: 'Production EU (West)',
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.environment).toBe('production-eu-west');
    expect(r.outputs.values).toBe(
      'chart/environments/production-eu-west.yaml\nextra/production-eu-west-secrets.yaml',
    );
    expect(r.outputs.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses a name with nothing to normalize, naming the input', () => {
    const r = runStep('Resolve the chart version and values files', {
      CHART: 'oci://example.com/charts/hotswap',
      CHART_VERSION: '1.0.0',
      VALUES: 'v/{environment}.yaml',
      ENVIRONMENT: '***',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "::error::input environment is '***'; expected a name with at least one letter or digit",
    );
  });
});

describe('deploy.yml: the kubeconfig', () => {
  const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- cluster: {server: 'https://10.0.0.1:6443', certificate-authority-data: Q0EtREFUQQ==}
  name: prod
users:
- name: admin
  user:
    client-certificate-data: Q0VSVC1EQVRB
    client-key-data: S0VZLURBVEEtc2VjcmV0
- name: robot
  user:
    token: "eyJhbGciOiJSUzI1NiJ9.robot-token"
- name: basic
  user:
    username: admin
    password: 'p@ss w0rd'
`;

  it.each([
    ['as text', kubeconfig],
    ['as base64', Buffer.from(kubeconfig).toString('base64')],
  ])('%s: written 0600, token, client key and password masked', (_how, secret) => {
    const r = runStep('Write the kubeconfig', { KUBECONFIG_SECRET: secret, ENVIRONMENT: 'prod' });
    expect(r.code, r.stdout).toBe(0);
    expect(readFileSync(r.outputs.path!, 'utf8').trimEnd()).toBe(kubeconfig.trimEnd());
    expect(statSync(r.outputs.path!).mode & 0o777).toBe(0o600);
    const masked = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.slice('::add-mask::'.length));
    expect(masked.sort()).toEqual(
      ['S0VZLURBVEEtc2VjcmV0', 'eyJhbGciOiJSUzI1NiJ9.robot-token', 'p@ss w0rd'].sort(),
    );
  });

  it('an empty secret says where to define it', () => {
    const r = runStep('Write the kubeconfig', { KUBECONFIG_SECRET: '', ENVIRONMENT: 'Production' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "::error::secret KUBECONFIG is empty; expected a kubeconfig, as a secret of the environment 'Production' or of the repository",
    );
  });
});

describe('deploy.yml: the final status', () => {
  const status = (outcomes: Record<string, string>) =>
    runStep('Result', {
      JOB_STATUS: 'failure',
      DEPLOY: '',
      SMOKE: '',
      ROLLBACK: '',
      ...outcomes,
    });

  it.each([
    [{ JOB_STATUS: 'success', DEPLOY: 'success', SMOKE: 'success' }, 'deployed'],
    [{ JOB_STATUS: 'success', DEPLOY: 'success', SMOKE: 'skipped' }, 'deployed'],
    [{ DEPLOY: 'failure', ROLLBACK: 'success' }, 'rolled-back'],
    [{ DEPLOY: 'success', SMOKE: 'failure', ROLLBACK: 'success' }, 'rolled-back'],
    [{ DEPLOY: 'failure', ROLLBACK: 'skipped' }, 'failed'],
    [{ DEPLOY: 'failure', ROLLBACK: 'failure' }, 'failed'],
    // A cancel is its own outcome, whatever the rollback did: never `deployed`.
    [{ JOB_STATUS: 'cancelled', DEPLOY: 'cancelled', ROLLBACK: 'success' }, 'cancelled'],
    [
      { JOB_STATUS: 'cancelled', DEPLOY: 'success', SMOKE: 'cancelled', ROLLBACK: 'success' },
      'cancelled',
    ],
    [{ JOB_STATUS: 'cancelled', DEPLOY: 'success', SMOKE: 'success' }, 'cancelled'],
    [{ JOB_STATUS: 'cancelled', DEPLOY: 'failure', ROLLBACK: 'failure' }, 'failed'],
  ])('%o -> %s', (outcomes, expected) => {
    const r = status(outcomes);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.status).toBe(expected);
    expect(r.summary).toContain(`: ${expected}`);
  });

  it('says when the metrics check was skipped', () => {
    const r = status({
      JOB_STATUS: 'success',
      DEPLOY: 'success',
      SMOKE: 'success',
      SMOKE_URL: 'https://x',
    });
    expect(r.summary).toContain(
      'Smoke test: health only; metrics check skipped (no smoke-metrics-url).',
    );
  });
});

describe('deploy.yml: where the actions come from', () => {
  const locate = (env: Record<string, string>, cwd?: string) =>
    runStep(
      'Locate the delivery actions',
      { ACTIONS_REF: '', SERVER_URL: 'https://github.com', TOKEN: 'x', ...env },
      cwd,
    );

  it('a release names its pinned actions, and refuses actions-ref', () => {
    const pinned = `hotswap/delivery-actions@${'a'.repeat(40)}`;
    expect(locate({ HOTSWAP_ACTIONS: pinned }).stdout).toContain(
      `delivery actions: ${pinned} (pinned by the release)`,
    );
    const r = locate({ HOTSWAP_ACTIONS: pinned, ACTIONS_REF: 'main' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `::error::input actions-ref is 'main' but this workflow is a release whose actions are pinned at ${pinned}`,
    );
  });

  it('a branch uses the workspace actions of this repository, and stops elsewhere', () => {
    expect(locate({}, REPO_ROOT).stdout).toContain('delivery actions: ./actions of this workspace');
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'caller-'));
    dirs.push(elsewhere);
    mkdirSync(path.join(elsewhere, 'actions/setup'), { recursive: true });
    writeFileSync(path.join(elsewhere, 'actions/setup/action.yml'), 'name: Something else\n');
    const r = locate({}, elsewhere);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::this commit of the delivery workflows is not a release');
  });
});
