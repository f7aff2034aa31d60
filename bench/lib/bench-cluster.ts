// The cluster a deploy benchmark runs on, made by the demo's code: kind with
// the images of the chart loaded (version GOOD of the stand-in API, and BROKEN,
// the same image exiting 1 at start), or kwok (a real control plane, kwok
// playing the kubelet; a crash loop there is an annotation). Each engine's
// helm --set lines for a healthy version and for the broken one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalCluster, detectEngine, type EngineChoice } from '../../scripts/demo/cluster.js';
import { prepareKindImages } from '../../scripts/demo/kind-images.js';
import { REPO_ROOT } from '../../test/support/run-action.js';
import { TOOLS_BIN } from '../../test/support/tools.js';

export type Engine = 'kind' | 'kwok';

export interface BenchCluster {
  engine: Engine;
  kubeconfig: string;
  /** --set lines every install and upgrade carries (images on kind). */
  base: string[];
  /** --set lines of a good version, and of the broken one. */
  good: string[];
  broken: string[];
  remove(): Promise<void>;
}

const GOOD = '1.0.0';
const BROKEN = '1.1.0';

export async function benchCluster(engine: Engine, log = console.log): Promise<BenchCluster> {
  const workdir = mkdtempSync(path.join(tmpdir(), `hotswap-bench-${engine}-`));
  const name = `bench-${engine}-${process.pid}`;
  const removers: (() => Promise<void>)[] = [];
  const remove = async () => {
    for (const r of removers.reverse()) await r().catch((e: unknown) => log(String(e)));
    rmSync(workdir, { recursive: true, force: true });
  };
  try {
    let choice: EngineChoice = { engine: 'kwok', why: 'asked for kwok' };
    if (engine === 'kind') {
      choice = await detectEngine();
      if (choice.engine !== 'kind') throw new Error(`kind cannot run here: ${choice.why}`);
    }
    const started = Date.now();
    const cluster = await createLocalCluster(
      { name, workdir, bin: TOOLS_BIN, choice, log: () => {} },
      (r) => removers.push(r),
    );
    log(`${engine} cluster ${name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (engine === 'kwok')
      return {
        engine,
        kubeconfig: cluster.kubeconfig,
        base: [],
        good: [],
        broken: ['podAnnotations.hotswap\\.dev/simulate=crash-loop'],
        remove,
      };
    const images = await prepareKindImages({
      root: REPO_ROOT,
      kind: path.join(TOOLS_BIN, 'kind'),
      cluster: name,
      good: GOOD,
      broken: BROKEN,
      log,
    });
    removers.push(images.remove);
    return {
      engine,
      kubeconfig: cluster.kubeconfig,
      base: images.set,
      good: [`image.tag=${GOOD}`],
      broken: [`image.tag=${BROKEN}`],
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
