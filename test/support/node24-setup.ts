// globalSetup of the node24 project: Node.js 24 (the runtime the actions
// declare) from the npm registry into the tool cache, once; the project's
// tests then run the bundles with it (HOTSWAP_ACTION_NODE).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const NODE24 = path.join(
  process.env.HOTSWAP_TOOLS_CACHE ?? path.join(process.env.HOME ?? '/root', '.cache/hotswap-tools'),
  'node-24/node_modules/node/bin/node',
);

export default function setup(): void {
  const script = path.resolve(import.meta.dirname, '../../scripts/node-runtime.sh');
  const bin = execFileSync('bash', [script, '24'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  if (bin !== NODE24)
    throw new Error(`scripts/node-runtime.sh installed ${bin}, expected ${NODE24}`);
}
