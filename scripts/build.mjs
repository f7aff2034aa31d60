// Bundles each action entry (src/actions/<name>.ts) into actions/<name>/dist
// with ncc: one self-contained file per action, as the runner needs.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

export const ACTIONS = ['setup', 'lint', 'deploy', 'smoke-test', 'rollback'];

const only = process.argv.slice(2);
for (const name of only.length ? only : ACTIONS) {
  const out = `actions/${name}/dist`;
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    'npx',
    ['ncc', 'build', `src/actions/${name}.ts`, '-o', out, '--license', 'licenses.txt', '--quiet'],
    { stdio: 'inherit' },
  );
}
