// The benchmarks run the bundles on the Node.js the actions declare
// (`runs.using: node24` in every action.yml), as the runner does, not on the
// node that runs the benchmark: HOTSWAP_ACTION_NODE when set, else that major
// from scripts/node-runtime.sh (installed into the tool cache once).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadActionYaml, REPO_ROOT } from '../../test/support/run-action.js';

/** The declared runtime's binary, also set as HOTSWAP_ACTION_NODE for runAction and child benchmarks. */
export function useActionRuntime(): string {
  if (!process.env.HOTSWAP_ACTION_NODE) {
    const using = loadActionYaml(path.join(REPO_ROOT, 'actions', 'lint')).runs.using;
    const major = /^node(\d+)$/.exec(using)?.[1];
    if (!major) throw new Error(`actions/lint declares runs.using '${using}', not nodeNN`);
    process.env.HOTSWAP_ACTION_NODE = execFileSync(
      'bash',
      [path.join(REPO_ROOT, 'scripts', 'node-runtime.sh'), major],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    ).trim();
  }
  return process.env.HOTSWAP_ACTION_NODE;
}

/** `v24.x.y` of the runtime the bundles run on. */
export function actionRuntimeVersion(): string {
  return execFileSync(useActionRuntime(), ['--version'], { encoding: 'utf8' }).trim();
}
