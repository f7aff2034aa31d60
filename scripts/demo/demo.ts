// `npm run demo`: the deploy workflow on a local cluster, end to end.
// cluster -> stand-in -> lint every environment -> deploy staging (values and
// a secret) -> smoke-test through the cluster -> deploy a broken version ->
// detected and rolled back -> smoke-test again -> table -> clean up.
// Everything it creates is registered for cleanup before it is created, and
// cleaned up in reverse order whatever happens, Ctrl-C included.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/exec/command.js';
import { cancellation } from '../../src/exec/signals.js';
import { Helm } from '../../src/helm/helm.js';
import { repoRoot } from '../../src/cli/action-inputs.js';
import type { StepResult } from '../../src/cli/command.js';
import { findStep } from '../../src/cli/commands/index.js';
import { EXIT, exitCodeFor, type ExitCode } from '../../src/cli/exit-codes.js';
import { createProgress, renderTable } from '../../src/cli/progress.js';
import { runStep } from '../../src/cli/run-step.js';
import { createLocalCluster, detectEngine, type EngineChoice } from './cluster.js';
import { prepareKindImages } from './kind-images.js';
import { forwardPodsToLocal } from './kwok-port-forward.js';
import { startLocalStandIn } from './stand-in.js';

export const RELEASE = 'hotswap';
export const NAMESPACE = 'staging';
export const GOOD_VERSION = '1.0.0';
export const BROKEN_VERSION = '1.1.0';

export interface DemoOptions {
  /** Cluster name (default hotswap-demo-<random>). */
  name?: string;
  /** Where the cluster and the demo's files live (default a fresh temp dir). */
  workdir?: string;
  /** Force a cluster engine (default: kind when it can run without a pull, else kwok). */
  engine?: 'kind' | 'kwok';
  /** Use this running kwok cluster instead of creating one (it is left running). */
  kubeconfig?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** Stops between phases when Ctrl-C arrived while no child was running. */
function checkpoint(): void {
  if (cancellation()) throw new Interrupted();
}

/** On a cluster that is not the demo's: remove what the demo put into it instead. */
function existingClusterCleanups(
  kubeconfig: string,
  tool: (t: string) => string,
): { what: string; run: () => Promise<void> }[] {
  const kube = ['--kubeconfig', kubeconfig];
  return [
    {
      what: `namespace ${NAMESPACE}`,
      run: async () => {
        await runCommand(tool('kubectl'), [
          ...kube,
          'delete',
          'namespace',
          NAMESPACE,
          '--ignore-not-found',
        ]);
      },
    },
    {
      what: `release ${RELEASE}`,
      run: async () => {
        await runCommand(tool('helm'), [
          ...kube,
          'uninstall',
          RELEASE,
          '-n',
          NAMESPACE,
          '--ignore-not-found',
          '--wait',
        ]);
      },
    },
  ];
}

export async function runDemo(o: DemoOptions = {}): Promise<ExitCode> {
  const stdout = o.stdout ?? ((t: string) => process.stdout.write(t));
  const stderr = o.stderr ?? ((t: string) => process.stderr.write(t));
  const root = repoRoot();
  const bin = path.join(root, '.tools', 'bin');
  const name = o.name ?? `hotswap-demo-${randomBytes(3).toString('hex')}`;
  const ownWorkdir = !o.workdir;
  const workdir = o.workdir ?? mkdtempSync(path.join(tmpdir(), 'hotswap-demo-'));
  mkdirSync(workdir, { recursive: true });
  const progress = createProgress(stderr);
  const cleanups: { what: string; run: () => Promise<void> }[] = [];
  const tool = (t: string) => path.join(bin, t);
  let code: ExitCode = EXIT.ok;

  stderr(`HotSwap delivery demo: cluster ${name}, workdir ${workdir}\n`);
  try {
    const choice: EngineChoice = o.kubeconfig
      ? { engine: 'kwok', why: 'an existing kwok cluster was given' }
      : o.engine === 'kwok'
        ? { engine: 'kwok', why: 'HOTSWAP_DEMO_ENGINE=kwok' }
        : await detectEngine();
    if (o.engine === 'kind' && choice.engine !== 'kind')
      throw new Error(`HOTSWAP_DEMO_ENGINE=kind, but kind cannot run here: ${choice.why}`);
    const engine = choice.engine;
    stderr(
      engine === 'kind'
        ? `Cluster: kind (real pods), because ${choice.why}\n`
        : `Cluster: kwok (real control plane, simulated containers), because ${choice.why}\n`,
    );
    checkpoint();
    let cluster: { kubeconfig: string };
    if (o.kubeconfig) {
      cluster = { kubeconfig: o.kubeconfig };
      cleanups.push(...existingClusterCleanups(o.kubeconfig, tool));
    } else {
      cluster = await progress.phase(`cluster (${engine})`, async (log) => {
        log(`${engine}: ${choice.why}`);
        const created = await createLocalCluster({ name, workdir, bin, choice, log }, (remove) =>
          // Registered before the create: a cluster half-made when Ctrl-C arrives is removed too.
          cleanups.push({ what: `${engine} cluster ${name}`, run: remove }),
        );
        log(`kubeconfig ${created.kubeconfig}`);
        return created;
      });
    }
    checkpoint();

    const common = {
      kubeconfig: cluster.kubeconfig,
      helm: tool('helm'),
      kubectl: tool('kubectl'),
    };

    let kindSet: string[] = [];
    if (engine === 'kwok') {
      await progress.phase('stand-in service', async (log) => {
        const standIn = await startLocalStandIn(root, log);
        cleanups.push({ what: 'stand-in server', run: () => standIn.stop() });
        const unforward = await forwardPodsToLocal({
          kubectl: tool('kubectl'),
          kubeconfig: cluster.kubeconfig,
          namespace: NAMESPACE,
          ports: [
            { podPort: 8080, localPort: standIn.port },
            { podPort: 5000, localPort: standIn.metricsPort },
          ],
        });
        cleanups.push({ what: 'port-forward rule', run: unforward });
        log(
          `pods of namespace ${NAMESPACE}: 8080 -> ${standIn.port}, 5000 -> ${standIn.metricsPort}`,
        );
      });
    } else {
      // kind runs real containers: the images, built here and loaded into the node.
      await progress.phase('images', async (log) => {
        const images = await prepareKindImages({
          root,
          kind: tool('kind'),
          cluster: name,
          good: GOOD_VERSION,
          broken: BROKEN_VERSION,
          log,
        });
        cleanups.push({ what: 'demo image tags', run: images.remove });
        kindSet = images.set;
      });
    }
    checkpoint();

    const step = (
      cmd: string,
      label: string,
      inputs: Record<string, string>,
      expectRollback = false,
    ) => runStep(findStep(cmd)!, inputs, { progress, cwd: root, label, expectRollback });
    const must = (r: StepResult, what: string) => {
      if (!r.ok) throw new Error(`${what}: ${r.detail}`);
      return r;
    };

    // Every environment, as the workflow lints before it deploys (the chart's
    // ci/ scenarios are the pull-request check's job).
    const lint = must(
      await step('lint', 'lint dev, staging, production', {
        environments: 'dev, staging, production',
        'ci-values': 'false',
        helm: tool('helm'),
      }),
      'lint',
    );
    const manifests = lint.outputs['manifests-dir'];
    if (manifests) {
      cleanups.push({
        what: 'rendered manifests',
        run: async () => rmSync(manifests, { recursive: true, force: true }),
      });
    }
    checkpoint();

    const deployInputs = (version: string, extra: Record<string, string> = {}) => ({
      release: RELEASE,
      chart: 'chart/hotswap',
      namespace: NAMESPACE,
      'create-namespace': 'true',
      environment: 'staging',
      'values-files': [
        'chart/environments/staging.yaml',
        'demo/local-values.yaml',
        ...(engine === 'kind' ? ['demo/kind-values.yaml'] : []),
      ].join('\n'),
      // A secret, as a workflow passes one from secrets.*: masked, 0600 file, never argv.
      'secret-values': `postgresql:\n  auth:\n    password: ${randomBytes(12).toString('hex')}\n`,
      'image-tag': version,
      // On kind the pods run the images loaded into the node.
      set: kindSet.join('\n'),
      timeout: '120s',
      ...common,
      ...extra,
    });
    const smokeInputs = {
      target: 'port-forward',
      namespace: NAMESPACE,
      // The chart's fullname is the release name when that already holds the chart name.
      service: RELEASE,
      port: '80',
      'metrics-port': '5000',
      'health-fields': 'status=Healthy',
      'required-metrics': 'hotswap_http_requests_total',
      timeout: '60s',
      kubeconfig: cluster.kubeconfig,
    };
    must(
      await step('deploy', `deploy staging ${GOOD_VERSION}`, deployInputs(GOOD_VERSION)),
      'deploy',
    );
    checkpoint();
    must(await step('smoke-test', 'smoke-test', smokeInputs), 'smoke-test');
    checkpoint();
    const broken = await step(
      'deploy',
      `deploy broken ${BROKEN_VERSION}`,
      // On kind the broken image exits 1 at start: a real crash loop. kwok
      // simulates containers, so there an annotation makes its pods crash-loop.
      deployInputs(
        BROKEN_VERSION,
        engine === 'kwok' ? { set: 'podAnnotations.hotswap\\.dev/simulate=crash-loop' } : {},
      ),
      true,
    );
    if (broken.outputs.status !== 'rolled-back') {
      throw new Error(`the broken version was not rolled back (status ${broken.outputs.status})`);
    }
    checkpoint();
    must(
      await step('smoke-test', 'smoke-test after rollback', smokeInputs),
      'smoke-test after rollback',
    );
    checkpoint();
    await progress.phase(
      'release history',
      async (log) => {
        const helm = new Helm({ bin: tool('helm'), major: 4, kubeconfig: cluster.kubeconfig });
        const history = await helm.history(RELEASE, NAMESPACE);
        for (const r of history)
          log(`revision ${r.revision}: ${r.status} ${r.chart} ${r.app_version} ${r.description}`);
        return history;
      },
      (h) => ({
        result: 'ok',
        detail: `${h.length} revisions, current ${h.at(-1)?.status} ${h.at(-1)?.revision}`,
      }),
    );
  } catch (error) {
    code = error instanceof Interrupted ? EXIT.interrupted : exitCodeFor(error);
    if (code !== EXIT.interrupted)
      stderr(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    if (cancellation()) code = EXIT.interrupted;
    if (code === EXIT.interrupted) stderr('Interrupted: cleaning up\n');
    await progress
      .phase('cleanup', async (log) => {
        for (const c of cleanups.reverse()) {
          log(`removing ${c.what}`);
          // After Ctrl-C every command reports the cancellation once it is done: that is not a failure here.
          await c.run().catch((error: unknown) => {
            if (!cancellation()) log(`could not remove ${c.what}: ${(error as Error).message}`);
          });
        }
        if (ownWorkdir) rmSync(workdir, { recursive: true, force: true });
        else
          for (const entry of readdirSync(workdir))
            rmSync(path.join(workdir, entry), { recursive: true, force: true });
      })
      .catch(() => {});
    stdout(`\n${renderTable(progress.records)}`);
    stdout(
      code === EXIT.ok
        ? `\nDemo passed: the broken version was detected and rolled back; everything it created is removed.\n`
        : code === EXIT.interrupted
          ? '\nDemo interrupted; everything it created is removed.\n'
          : '\nDemo failed; everything it created is removed.\n',
    );
  }
  return code;
}
