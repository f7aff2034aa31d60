// deploy.yml, promote.yml and chart-validation.yml run for real by nektos/act
// in its self-hosted mode: every step on this machine, as the GitHub runner
// runs it, the committed action bundles included, against kwok clusters (the
// e2e run's, plus a second one as another production region). Tools come from
// the loopback mirror (tools-mirror input); the smoke tests hit the stand-in
// HotSwap API on loopback. act's whole output (--verbose) is scanned for every
// secret handed to the workflows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKwokCluster, deleteKwokCluster, type Cluster } from '../../src/cluster/kwok.js';
import { runCommand } from '../../src/exec/command.js';
import { MIRROR_ROOT } from '../../tools/provision.js';
import { startMirror, type MirrorServer } from '../../tools/mirror-server.js';
import { resultLine, runAct, stepOutputs, type ActRun } from '../support/act.js';
import { kwokBinaries } from '../support/kwok.js';
import { REPO_ROOT } from '../support/run-action.js';
import { startStandIn, type StandIn } from '../support/stand-in.js';
import { toolPath } from '../support/tools.js';
import { kubeconfig, preProvisionVolumes } from './support.js';

const helmJson = async <T>(config: string, args: string[]): Promise<T> =>
  JSON.parse(
    (
      await runCommand(toolPath('helm'), ['--kubeconfig', config, ...args, '-o', 'json'], {
        timeoutMs: 120_000,
      })
    ).stdout,
  ) as T;

const kubectl = (config: string, args: string[]) =>
  runCommand(toolPath('kubectl'), ['--kubeconfig', config, ...args], { timeoutMs: 120_000 });

/** The API image of release hotswap in a namespace. */
async function apiImage(config: string, namespace: string): Promise<string> {
  const { stdout } = await kubectl(config, [
    'get',
    'deployment',
    '-n',
    namespace,
    '-l',
    'app.kubernetes.io/instance=hotswap',
    '-o',
    'jsonpath={.items[*].spec.template.spec.containers[0].image}',
  ]);
  return stdout.trim();
}

interface HistoryEntry {
  revision: number;
  status: string;
  description: string;
}

/** Every secret string must be absent from act's whole output. */
function expectNoSecret(run: ActRun, secrets: string[]) {
  const leaked = secrets.filter((s) => run.output.includes(s));
  expect(leaked.length, 'secrets found in the act log').toBe(0);
}

/** Lines of a secret long enough to be recognisable (a kubeconfig's key and certificate data). */
const secretLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length >= 24);

const log = (name: string, run: ActRun) => {
  console.log(`act ${name}: exit ${run.code} in ${(run.durationMs / 1000).toFixed(1)} s`);
  // The whole log, for a failure whose cause is further up than an assertion shows.
  if (process.env.HOTSWAP_ACT_LOG_DIR)
    writeFileSync(
      path.join(process.env.HOTSWAP_ACT_LOG_DIR, `${name.replace(/\W+/g, '-')}.log`),
      run.output,
    );
};

describe('reusable workflows run by act', () => {
  let mirror: MirrorServer;
  let healthy: StandIn;
  let unhealthy: StandIn;
  let cacheDir: string;
  let config: string;
  const id = randomBytes(3).toString('hex');
  const namespace = `act-deploy-${id}`;
  let kubeconfigBase64: string;
  const dbPassword = `pw-${randomBytes(12).toString('hex')}`;
  const secretValues = `{postgresql: {auth: {password: "${dbPassword}"}}}`;

  beforeAll(async () => {
    config = kubeconfig();
    mirror = await startMirror(MIRROR_ROOT);
    healthy = await startStandIn();
    unhealthy = await startStandIn({ env: { UNHEALTHY: 'true' } });
    cacheDir = mkdtempSync(path.join(tmpdir(), 'act-cache-'));
    kubeconfigBase64 = readFileSync(config).toString('base64');
  });

  afterAll(async () => {
    await healthy?.stop();
    await unhealthy?.stop();
    await mirror?.close();
    if (config)
      await kubectl(config, ['delete', 'namespace', namespace, '--wait=false']).catch(
        () => undefined,
      );
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  const deploy = (values: string[], imageTag: string) =>
    runAct({
      workflow: 'test/fixtures/act/deploy-caller.yml',
      cacheDir,
      inputs: {
        namespace,
        values: values.join('\n'),
        'image-tag': imageTag,
        'smoke-url': healthy.url,
        'smoke-metrics-url': healthy.metricsUrl,
        'tools-mirror': mirror.url,
      },
      secrets: { KUBECONFIG_BASE64: kubeconfigBase64, SECRET_VALUES: secretValues },
    });

  it('deploys a healthy release: setup -> deploy -> smoke test, no rollback', async () => {
    const before = healthy.requests.length;
    const run = await deploy(['chart/environments/dev.yaml'], '1.4.0');
    log('deploy (healthy)', run);
    expect(run.code, run.output.slice(-6000)).toBe(0);

    const steps = stepOutputs(run.output, 'deploy/deploy');
    const outcome = Object.fromEntries(steps.map((s) => [s.name, s.outcome]));
    expect(outcome).toMatchObject({
      'Set up helm and kubectl': 'success',
      Deploy: 'success',
      'Smoke test': 'success',
      Result: 'success',
    });
    expect(outcome['Roll back']).toBeUndefined();
    expect(healthy.requests.slice(before).map((r) => r.path)).toEqual(
      expect.arrayContaining(['/health', '/metrics']),
    );

    // The workflow outputs, as a later job of the caller reads them.
    const result = resultLine(run.output, 'hotswap-deploy-result');
    expect(result).toEqual({
      result: 'success',
      status: 'deployed',
      revision: '1',
      'rolled-back-to': '',
      'chart-version': expect.stringMatching(/^\d+\.\d+\.\d+/),
    });

    const status = await helmJson<{ version: number; info: { status: string } }>(config, [
      'status',
      'hotswap',
      '-n',
      namespace,
    ]);
    expect(status).toMatchObject({ version: 1, info: { status: 'deployed' } });
    expect(await apiImage(config, namespace)).toMatch(/:1\.4\.0$/);
    expectNoSecret(run, [dbPassword, kubeconfigBase64]);
  });

  it('rolls back a release that crash-loops: the healthy revision runs again, the job fails', async () => {
    const run = await deploy(
      ['chart/environments/dev.yaml', 'test/fixtures/act/crash-loop-values.yaml'],
      '1.4.1',
    );
    log('deploy (crash-loop)', run);
    // The deploy job fails even though the rollback succeeded: the release did not go out.
    expect(run.code, run.output.slice(-6000)).not.toBe(0);

    const steps = stepOutputs(run.output, 'deploy/deploy');
    const outcome = Object.fromEntries(steps.map((s) => [s.name, s.outcome]));
    expect(outcome).toMatchObject({ Deploy: 'failure', 'Roll back': 'success', Result: 'success' });
    expect(outcome['Smoke test']).toBeUndefined(); // skipped after the failed deploy
    expect(steps.find((s) => s.name === 'Result')!.outputs.status).toBe('rolled-back');
    expect(steps.find((s) => s.name === 'Roll back')!.outputs['to-revision']).toBe('1');

    const history = await helmJson<HistoryEntry[]>(config, ['history', 'hotswap', '-n', namespace]);
    // 1 healthy, 2 the crash-looping upgrade (superseded by the rollback), 3 the rollback.
    expect(history.map((h) => h.revision)).toEqual([1, 2, 3]);
    expect(history.at(-1)).toMatchObject({
      status: 'deployed',
      description: expect.stringMatching(/Rollback to 1/),
    });
    expect(await apiImage(config, namespace)).toMatch(/:1\.4\.0$/);
    expectNoSecret(run, [dbPassword, kubeconfigBase64]);
  });

  it('rolls nothing back when the deploy is rejected before it touches the cluster', async () => {
    const run = await deploy(
      ['chart/environments/dev.yaml', 'chart/environments/missing.yaml'],
      '1.4.2',
    );
    log('deploy (rejected input)', run);
    expect(run.code).not.toBe(0);
    const steps = stepOutputs(run.output, 'deploy/deploy');
    const outcome = Object.fromEntries(steps.map((s) => [s.name, s.outcome]));
    expect(outcome).toMatchObject({ Deploy: 'failure', Result: 'success' });
    expect(outcome['Roll back']).toBeUndefined();
    expect(steps.find((s) => s.name === 'Result')!.outputs.status).toBe('failed');
    expect(run.output).toMatch(/missing\.yaml/);
    // Still the three revisions of the tests before: nothing was changed.
    const history = await helmJson<HistoryEntry[]>(config, ['history', 'hotswap', '-n', namespace]);
    expect(history.map((h) => h.revision)).toEqual([1, 2, 3]);
    expectNoSecret(run, [dbPassword, kubeconfigBase64]);
  });

  describe('promotion dev -> staging -> production in two regions', () => {
    let second: Cluster;
    let workdir: string;
    let productionKubeconfig: string;
    const prefix = `act-promote-${id}`;
    const digest = `sha256:${randomBytes(32).toString('hex')}`;
    const prodPassword = `prod-${randomBytes(12).toString('hex')}`;

    beforeAll(async () => {
      // The second production region: a cluster of its own.
      workdir = mkdtempSync(path.join(tmpdir(), 'act-region-b-'));
      second = await createKwokCluster({
        name: `region-b-${id}`,
        binaries: kwokBinaries(),
        workdir,
        nodes: 1,
      });
      // One kubeconfig with a context per region, certificates and keys inline.
      const merged = await runCommand(toolPath('kubectl'), ['config', 'view', '--flatten'], {
        env: { ...process.env, KUBECONFIG: `${config}:${second.kubeconfig}` },
      });
      productionKubeconfig = merged.stdout;
      // staging keeps the built-in PostgreSQL with persistence and backups: two
      // claims (dev runs without persistence, production on an external database).
      await preProvisionVolumes(config, `${prefix}-staging`, [
        'data-hotswap-postgresql-0',
        'hotswap-postgresql-backup',
      ]);
    });

    afterAll(async () => {
      if (second)
        await deleteKwokCluster({ name: second.name, kwokctl: toolPath('kwokctl'), workdir });
      if (workdir) rmSync(workdir, { recursive: true, force: true });
      for (const stage of ['dev', 'staging', 'production'])
        await kubectl(config, ['delete', 'namespace', `${prefix}-${stage}`, '--wait=false']).catch(
          () => undefined,
        );
    });

    /** The context of each region: each kubeconfig's current context. */
    const contexts = () =>
      Promise.all(
        [config, second.kubeconfig].map(async (file) =>
          (await kubectl(file, ['config', 'current-context'])).stdout.trim(),
        ),
      );

    const promote = async (regionB: StandIn) => {
      const [contextA, contextB] = await contexts();
      const region = (name: string, context: string, s: StandIn) => ({
        name,
        'kube-context': context,
        'smoke-url': s.url,
        'smoke-metrics-url': s.metricsUrl,
      });
      return runAct({
        workflow: 'test/fixtures/act/promote-caller.yml',
        cacheDir,
        inputs: {
          'image-digest': digest,
          'namespace-prefix': prefix,
          'production-regions': JSON.stringify([
            region('region-a', contextA!, healthy),
            region('region-b', contextB!, regionB),
          ]),
          'smoke-url': healthy.url,
          'smoke-metrics-url': healthy.metricsUrl,
          'tools-mirror': mirror.url,
        },
        // One set for every stage (act has no environment secrets): the merged
        // kubeconfig's current context is the e2e cluster, where dev and staging run.
        secrets: {
          KUBECONFIG: productionKubeconfig,
          SECRET_VALUES: `{postgresql: {auth: {password: "${prodPassword}"}}}`,
        },
      });
    };

    it('deploys the same chart version and image digest to every stage and region', async () => {
      const run = await promote(healthy);
      log('promote', run);
      expect(run.code, run.output.slice(-6000)).toBe(0);
      for (const job of ['dev/', 'staging/', 'production-1/', 'production-2/']) {
        const outcome = Object.fromEntries(
          stepOutputs(run.output, job).map((s) => [s.name, s.outcome]),
        );
        expect(outcome, job).toMatchObject({ Deploy: 'success', 'Smoke test': 'success' });
      }
      // staging and production only get the digest from the stage before them
      // (needs.<stage>.outputs): finding it there proves the hand-over.
      const versions = (job: string) =>
        stepOutputs(run.output, job).find(
          (s) => s.name === 'Resolve the chart version and values files',
        )?.outputs.version;
      expect(versions('staging/')).toBe(versions('dev/'));
      expect(versions('production-2/')).toBe(versions('dev/'));
      for (const stage of ['dev', 'staging', 'production'])
        expect(await apiImage(config, `${prefix}-${stage}`), stage).toBe(
          `hotswap/hotswap-api@${digest}`,
        );
      expect(await apiImage(second.kubeconfig, `${prefix}-production`)).toBe(
        `hotswap/hotswap-api@${digest}`,
      );
      expectNoSecret(run, [prodPassword, kubeconfigBase64, ...secretLines(productionKubeconfig)]);
    });

    it('a region that fails its smoke test is rolled back alone and the run fails', async () => {
      // Region B's service reports itself unhealthy after the upgrade.
      const run = await promote(unhealthy);
      log('promote (region-b unhealthy)', run);
      expect(run.code).not.toBe(0);
      const regionB = Object.fromEntries(
        stepOutputs(run.output, 'production-2/').map((s) => [s.name, s.outcome]),
      );
      expect(regionB).toMatchObject({
        Deploy: 'success',
        'Smoke test': 'failure',
        'Roll back': 'success',
      });
      const history = await helmJson<HistoryEntry[]>(second.kubeconfig, [
        'history',
        'hotswap',
        '-n',
        `${prefix}-production`,
      ]);
      expect(history.at(-1)).toMatchObject({
        status: 'deployed',
        description: expect.stringMatching(/Rollback to 1/),
      });
      expectNoSecret(run, [prodPassword, kubeconfigBase64, ...secretLines(productionKubeconfig)]);
    });
  });

  it('validates the chart: lint for every environment, every ci/ scenario installed and helm-tested on kwok', async () => {
    const run = await runAct({
      workflow: 'test/fixtures/act/chart-validation-caller.yml',
      cacheDir,
      inputs: { 'tools-mirror': mirror.url },
    });
    log('chart-validation (kwok)', run);
    expect(run.code, run.output.slice(-8000)).toBe(0);
    const lint = stepOutputs(run.output, 'validate/chart-validation/lint');
    expect(lint.find((s) => s.name === 'Lint and template every environment')).toMatchObject({
      outcome: 'success',
      outputs: { result: 'pass' },
    });
    // Every ci/ scenario was installed and passed helm test.
    const scenarios = readdirSync(path.join(REPO_ROOT, 'chart/hotswap/ci')).filter((f) =>
      f.endsWith('-values.yaml'),
    );
    expect(scenarios.length).toBeGreaterThan(0);
    const result = resultLine(run.output, 'hotswap-validation-result');
    expect(result).toEqual({
      result: 'success',
      lint: 'pass',
      installed: String(scenarios.length),
    });
  });
});
