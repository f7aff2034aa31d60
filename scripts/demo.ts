// npm run demo: see scripts/demo/demo.ts. HOTSWAP_DEMO_NAME / HOTSWAP_DEMO_WORKDIR /
// HOTSWAP_DEMO_ENGINE (kind|kwok) override the defaults; HOTSWAP_DEMO_KUBECONFIG
// runs on an existing kwok cluster (not created, not deleted).
import { ownExitOnSignal } from '../src/exec/signals.js';
import { runDemo } from './demo/demo.js';

ownExitOnSignal();
const engine = process.env.HOTSWAP_DEMO_ENGINE;
process.exitCode = await runDemo({
  name: process.env.HOTSWAP_DEMO_NAME || undefined,
  workdir: process.env.HOTSWAP_DEMO_WORKDIR || undefined,
  engine: engine === 'kind' || engine === 'kwok' ? engine : undefined,
  kubeconfig: process.env.HOTSWAP_DEMO_KUBECONFIG || undefined,
});
