// The reusable workflows as an application repository calls them: a separate
// git repository with its own chart, values and caller workflows that say
// `uses: hotswap/delivery-actions/.github/workflows/<file>@v1` (or @<full sha>)
// and set no wiring input. act resolves those lines, and the `uses:` lines the
// release pinned inside them, with --local-repository: every tag and commit of
// a released snapshot of this checkout maps to a worktree at that commit, so
// what runs is what the pinned commit holds, as on GitHub.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/exec/command.js';
import { createReleaseCommits, planRelease, tagRelease } from '../../scripts/release/release.js';
import { REPOSITORY } from '../../scripts/release/repository.js';
import { MIRROR_ROOT } from '../../tools/provision.js';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';
import { resultLine, runAct, stepOutputs, type ActRun } from '../support/act.js';
import { git, snapshotRepository } from '../support/repo-snapshot.js';
import { REPO_ROOT } from '../support/run-action.js';
import { startStandIn, type StandIn } from '../support/stand-in.js';
import { toolPath } from '../support/tools.js';
import { kubeconfig } from './support.js';

interface Revision {
  revision: number;
  status: string;
  description: string;
}

const helmHistory = async (config: string, namespace: string): Promise<Revision[]> => {
  const r = await runCommand(
    toolPath('helm'),
    ['--kubeconfig', config, 'history', 'hotswap', '-n', namespace, '-o', 'json'],
    { allowFailure: true },
  );
  return r.code === 0 ? (JSON.parse(r.stdout) as Revision[]) : [];
};

const apiImage = async (config: string, namespace: string) =>
  (
    await runCommand(toolPath('kubectl'), [
      '--kubeconfig',
      config,
      'get',
      'deployment',
      '-n',
      namespace,
      '-l',
      'app.kubernetes.io/instance=hotswap',
      '-o',
      'jsonpath={.items[*].spec.template.spec.containers[0].image}',
    ])
  ).stdout.trim();

const log = (name: string, run: ActRun) => {
  console.log(`act ${name}: exit ${run.code} in ${(run.durationMs / 1000).toFixed(1)} s`);
  if (process.env.HOTSWAP_ACT_LOG_DIR)
    writeFileSync(
      path.join(process.env.HOTSWAP_ACT_LOG_DIR, `app-${name.replace(/\W+/g, '-')}.log`),
      run.output,
    );
};

const outcomes = (run: ActRun, job: string) =>
  Object.fromEntries(stepOutputs(run.output, job).map((s) => [s.name, s.outcome]));
const stepOutput = (run: ActRun, job: string, step: string) =>
  stepOutputs(run.output, job).find((s) => s.name === step)?.outputs ?? {};

/** A caller of deploy.yml at `ref`, as an application repository writes it. */
function deployCaller(ref: string, extra = ''): string {
  return `name: deploy
on:
  workflow_dispatch:
    inputs:
      namespace: {type: string, required: true}
      image-tag: {type: string, required: true}
      extra-values: {type: string, default: ''}
      smoke-url: {type: string, default: ''}
      timeout: {type: string, default: 90s}
      tools-mirror: {type: string, default: ''}
permissions:
  contents: read
jobs:
  deploy:
    uses: ${REPOSITORY}/.github/workflows/deploy.yml@${ref}
    with:
      # Not a DNS label: the values file is looked up as dev.yaml.
      environment: Dev
      namespace: \${{ inputs.namespace }}
      chart: deploy/chart
      values: |
        deploy/values/{environment}.yaml
        \${{ inputs.extra-values }}
      image-tag: \${{ inputs.image-tag }}
      helm-version: v4.3.1
      timeout: \${{ inputs.timeout }}
      smoke-url: \${{ inputs.smoke-url }}
      smoke-timeout: 15s
      tools-mirror: \${{ inputs.tools-mirror }}${extra}
    secrets: inherit
  report:
    needs: deploy
    runs-on: ubuntu-24.04
    steps:
      - env:
          STATUS: \${{ needs.deploy.outputs.status }}
          REVISION: \${{ needs.deploy.outputs.revision }}
          ROLLED_BACK_TO: \${{ needs.deploy.outputs.rolled-back-to }}
          CHART_VERSION: \${{ needs.deploy.outputs.chart-version }}
        run: echo "app-deploy-result status=$STATUS revision=$REVISION rolled-back-to=$ROLLED_BACK_TO chart-version=$CHART_VERSION"
`;
}

const VALIDATE_CALLER = `name: chart
on:
  workflow_dispatch:
    inputs:
      tools-mirror: {type: string, default: ''}
permissions:
  contents: read
jobs:
  validate:
    uses: ${REPOSITORY}/.github/workflows/chart-validation.yml@v1
    with:
      chart: deploy/chart
      environments: dev
      values-files: deploy/values/{env}.yaml
      cluster: kwok
      helm-version: v4.3.1
      scenarios: minimal-values.yaml
      timeout: 2m
      tools-mirror: \${{ inputs.tools-mirror }}
  report:
    needs: validate
    runs-on: ubuntu-24.04
    steps:
      - env:
          LINT: \${{ needs.validate.outputs.lint-result }}
          INSTALLED: \${{ needs.validate.outputs.installed }}
        run: echo "app-validation-result lint=$LINT installed=$INSTALLED"
`;

/** Chart validation against a base commit, as a pull request runs it. */
const BUMP_CALLER = VALIDATE_CALLER.replace('name: chart\n', 'name: chart-bump\n')
  .replace(
    "      tools-mirror: {type: string, default: ''}\n",
    "      tools-mirror: {type: string, default: ''}\n      base-ref: {type: string, required: true}\n",
  )
  .replace('      timeout: 2m\n', '      timeout: 2m\n      base-ref: ${{ inputs.base-ref }}\n');

/**
 * The application repository: its own chart and values, and the callers; a
 * second commit changes a chart template without bumping the chart version.
 */
function makeApplication(pinnedSha: string): { app: string; base: string } {
  const app = mkdtempSync(path.join(tmpdir(), 'app-repo-'));
  cpSync(path.join(REPO_ROOT, 'chart/hotswap'), path.join(app, 'deploy/chart'), {
    recursive: true,
  });
  mkdirSync(path.join(app, 'deploy/values'), { recursive: true });
  cpSync(
    path.join(REPO_ROOT, 'chart/environments/dev.yaml'),
    path.join(app, 'deploy/values/dev.yaml'),
  );
  for (const simulate of ['crash-loop', 'not-ready'])
    writeFileSync(
      path.join(app, `deploy/values/${simulate}.yaml`),
      `podAnnotations:\n  hotswap.dev/simulate: ${simulate}\n`,
    );
  const workflows = path.join(app, '.github/workflows');
  mkdirSync(workflows, { recursive: true });
  writeFileSync(path.join(workflows, 'deploy.yml'), deployCaller('v1'));
  writeFileSync(path.join(workflows, 'deploy-pinned.yml'), deployCaller(pinnedSha));
  writeFileSync(
    path.join(workflows, 'deploy-override.yml'),
    deployCaller('v1', '\n      actions-ref: main'),
  );
  writeFileSync(path.join(workflows, 'chart.yml'), VALIDATE_CALLER);
  writeFileSync(path.join(workflows, 'chart-bump.yml'), BUMP_CALLER);
  git(app, 'init', '--quiet', '--initial-branch', 'main');
  git(app, 'remote', 'add', 'origin', 'https://github.com/acme/hotswap-app.git');
  git(app, 'add', '--all');
  git(app, 'commit', '--quiet', '-m', 'The application');
  const base = git(app, 'rev-parse', 'HEAD');
  appendFileSync(
    path.join(app, 'deploy/chart/templates/NOTES.txt'),
    '{{/* changed without a version bump */}}\n',
  );
  git(app, 'commit', '--quiet', '--all', '-m', 'Change the chart, not its version');
  return { app, base };
}

describe('an application repository calling the released workflows', () => {
  const id = randomBytes(3).toString('hex');
  const marker = `hotswap-build-marker-${id}`;
  const namespace = `app-${id}`;
  const cleanup: string[] = [];
  const localRepositories: Record<string, string> = {};
  let delivery: string;
  let app: string;
  let appBase: string;
  let config: string;
  let mirror: MirrorServer;
  let healthy: StandIn;
  let cacheDir: string;
  let v1Actions: string;
  let rcActions: string;
  let rcRelease: string;
  let kubeconfigBase64: string;
  const dbPassword = `pw-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    config = kubeconfig();
    kubeconfigBase64 = readFileSync(config).toString('base64');
    mirror = await startMirror(MIRROR_ROOT);
    healthy = await startStandIn();
    cacheDir = mkdtempSync(path.join(tmpdir(), 'act-app-cache-'));
    cleanup.push(cacheDir);

    // Release v1.0.0 of this checkout, then a release candidate whose setup
    // action prints a marker: v1 stays on 1.0.0 (a prerelease does not move it).
    delivery = snapshotRepository('delivery-');
    cleanup.push(delivery);
    const v1 = await createReleaseCommits(delivery, { version: '1.0.0', repository: REPOSITORY });
    await tagRelease(delivery, { ...planRelease(delivery, '1.0.0', REPOSITORY) }, v1.release);
    v1Actions = v1.actions;
    appendFileSync(
      path.join(delivery, 'actions/setup/dist/index.js'),
      `\nconsole.log(${JSON.stringify(marker)});\n`,
    );
    git(delivery, 'commit', '--quiet', '--all', '-m', 'Mark the setup action');
    writeFileSync(
      path.join(delivery, 'CHANGELOG.md'),
      `# Changelog\n\n## [1.1.0-rc.1]\n\n- The setup action prints a marker.\n`,
    );
    git(delivery, 'commit', '--quiet', '--all', '-m', 'Notes of 1.1.0-rc.1');
    const rc = await createReleaseCommits(delivery, {
      version: '1.1.0-rc.1',
      repository: REPOSITORY,
    });
    await tagRelease(delivery, planRelease(delivery, '1.1.0-rc.1', REPOSITORY), rc.release);
    rcActions = rc.actions;
    rcRelease = rc.release;

    // Every tag, and every commit up to three generations below one, as a worktree.
    const worktrees = new Map<string, string>();
    const worktree = (sha: string) => {
      if (!worktrees.has(sha)) {
        const dir = path.join(delivery, '.worktrees', sha);
        git(delivery, 'worktree', 'add', '--quiet', '--detach', dir, sha);
        worktrees.set(sha, dir);
      }
      return worktrees.get(sha)!;
    };
    for (const tag of git(delivery, 'tag').split('\n')) {
      const sha = git(delivery, 'rev-parse', `${tag}^{commit}`);
      localRepositories[`${REPOSITORY}@${tag}`] = worktree(sha);
      for (const rev of [sha, `${sha}^`, `${sha}^^`]) {
        const commit = git(delivery, 'rev-parse', rev);
        localRepositories[`${REPOSITORY}@${commit}`] = worktree(commit);
      }
    }
    ({ app, base: appBase } = makeApplication(rcRelease));
    cleanup.push(app);
  });

  afterAll(async () => {
    await healthy?.stop();
    await mirror?.close();
    if (config)
      await runCommand(toolPath('kubectl'), [
        '--kubeconfig',
        config,
        'delete',
        'namespace',
        namespace,
        '--wait=false',
      ]).catch(() => undefined);
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  const deploy = (
    workflow: string,
    inputs: Record<string, string>,
    onSpawn?: (child: ChildProcess) => void,
  ) =>
    runAct({
      workflow: `.github/workflows/${workflow}`,
      directory: app,
      cacheDir,
      localRepositories,
      onSpawn,
      timeoutMs: 280_000,
      inputs: {
        namespace,
        'smoke-url': healthy.url,
        'tools-mirror': mirror.url,
        ...inputs,
      },
      secrets: {
        KUBECONFIG: kubeconfigBase64,
        SECRET_VALUES: `{postgresql: {auth: {password: "${dbPassword}"}}}`,
      },
    });

  it('validates the chart: @v1, no wiring input, lint and a ci/ scenario installed on kwok', async () => {
    const run = await runAct({
      workflow: '.github/workflows/chart.yml',
      directory: app,
      cacheDir,
      localRepositories,
      inputs: { 'tools-mirror': mirror.url },
    });
    log('validate', run);
    expect(run.code, run.output.slice(-6000)).toBe(0);
    expect(run.output).toContain(
      `delivery actions: ${REPOSITORY}@${v1Actions} (pinned by the release)`,
    );
    expect(resultLine(run.output, 'app-validation-result')).toEqual({
      lint: 'pass',
      installed: '1',
    });
  });

  it('validation with the base commit refuses a chart changed without a version bump', async () => {
    const run = await runAct({
      workflow: '.github/workflows/chart-bump.yml',
      directory: app,
      cacheDir,
      localRepositories,
      inputs: { 'tools-mirror': mirror.url, 'base-ref': appBase },
    });
    log('validate base-ref', run);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(
      new RegExp(
        `deploy/chart/templates/NOTES\\.txt.*is not greater than .* in ${appBase}: bump it`,
      ),
    );
    expect(
      stepOutput(run, 'validate/chart-validation/lint', 'Lint and template every environment')
        .result,
    ).toBe('fail');
  });

  it('deploys @v1: the release, its outputs seen by the caller, health checked, metrics check skipped', async () => {
    const before = healthy.requests.length;
    const run = await deploy('deploy.yml', { 'image-tag': '1.4.0' });
    log('deploy v1', run);
    expect(run.code, run.output.slice(-6000)).toBe(0);
    expect(run.output).toContain(
      `delivery actions: ${REPOSITORY}@${v1Actions} (pinned by the release)`,
    );
    expect(run.output).not.toContain(marker);
    expect(resultLine(run.output, 'app-deploy-result')).toEqual({
      status: 'deployed',
      revision: '1',
      'rolled-back-to': '',
      'chart-version': expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(run.output).toContain(
      'Smoke test: health only; metrics check skipped (no smoke-metrics-url).',
    );
    const paths = healthy.requests.slice(before).map((r) => r.path);
    expect(paths).toContain('/health');
    expect(paths).not.toContain('/metrics');
    expect(await apiImage(config, namespace)).toMatch(/:1\.4\.0$/);
    // Neither the secrets nor the credentials inside the decoded kubeconfig.
    const keyData = /client-key-data:\s*(\S+)/.exec(readFileSync(config, 'utf8'))?.[1];
    for (const secret of [dbPassword, kubeconfigBase64, keyData ?? dbPassword])
      expect(run.output).not.toContain(secret);
  });

  it('rolls back a crash-looping version @v1 to the revision before it', async () => {
    const run = await deploy('deploy.yml', {
      'image-tag': '1.4.1',
      'extra-values': 'deploy/values/crash-loop.yaml',
    });
    log('deploy v1 crash-loop', run);
    expect(run.code).not.toBe(0);
    expect(outcomes(run, 'deploy/deploy')).toMatchObject({
      Deploy: 'failure',
      'Roll back': 'success',
    });
    expect(stepOutput(run, 'deploy/deploy', 'Result').status).toBe('rolled-back');
    expect(stepOutput(run, 'deploy/deploy', 'Roll back')['to-revision']).toBe('1');
    const history = await helmHistory(config, namespace);
    expect(history.at(-1)).toMatchObject({
      status: 'deployed',
      description: expect.stringMatching(/Rollback to 1/),
    });
    expect(await apiImage(config, namespace)).toMatch(/:1\.4\.0$/);
  });

  it("a full SHA of another release runs that commit's actions", async () => {
    const run = await deploy('deploy-pinned.yml', { 'image-tag': '1.4.0' });
    log('deploy pinned sha', run);
    expect(run.code, run.output.slice(-6000)).toBe(0);
    expect(run.output).toContain(
      `delivery actions: ${REPOSITORY}@${rcActions} (pinned by the release)`,
    );
    // The setup step's own log line, from the marked bundle.
    expect(run.output).toMatch(new RegExp(`\\[deploy/deploy[^\\]]*\\]\\s+\\|\\s+${marker}`));
    expect(resultLine(run.output, 'app-deploy-result')?.status).toBe('deployed');
  });

  it('fails loudly when a release is given an actions-ref, before anything changes', async () => {
    const before = await helmHistory(config, namespace);
    const run = await deploy('deploy-override.yml', { 'image-tag': '9.9.9' });
    log('deploy override mismatch', run);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(
      `input actions-ref is 'main' but this workflow is a release whose actions are pinned at ${REPOSITORY}@${v1Actions}`,
    );
    expect(outcomes(run, 'deploy/deploy')['Deploy']).toBeUndefined();
    expect(await helmHistory(config, namespace)).toEqual(before);
  });

  it('a deploy cancelled midway ends on the last good revision, never reported deployed', async () => {
    const before = await helmHistory(config, namespace);
    const good = before.at(-1)!;
    let act: ChildProcess | undefined;
    const running = deploy(
      'deploy.yml',
      { 'image-tag': '1.4.2', 'extra-values': 'deploy/values/not-ready.yaml', timeout: '5m' },
      (child) => (act = child),
    );
    // Cancel (act's SIGINT, as a user's Ctrl-C or GitHub's cancel) once the
    // new revision is in the cluster and the deploy step is watching it.
    const deadline = Date.now() + 180_000;
    while ((await helmHistory(config, namespace)).length === before.length) {
      if (Date.now() > deadline) throw new Error('the deploy never wrote a revision');
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 3000));
    act!.kill('SIGINT');
    const run = await running;
    log('deploy cancelled', run);
    expect(run.code).not.toBe(0);
    const status = stepOutput(run, 'deploy/deploy', 'Result').status;
    expect(['cancelled', 'rolled-back']).toContain(status);
    expect(outcomes(run, 'deploy/deploy')['Roll back']).toBe('success');
    const history = await helmHistory(config, namespace);
    expect(history.at(-1)).toMatchObject({
      status: 'deployed',
      description: expect.stringMatching(new RegExp(`Rollback to ${good.revision}`)),
    });
    expect(await apiImage(config, namespace)).toMatch(/:1\.4\.0$/);
  });
});
