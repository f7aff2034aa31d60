// Entry of `hotswap-ci` (bin/hotswap-ci.mjs runs it through tsx; `npm run
// build:cli` bundles it into dist/cli.js).
import { ownExitOnSignal } from './exec/signals.js';
import { cli } from './cli/main.js';

// Ctrl-C stops the running helm/kubectl, then the command reports and exits 130.
ownExitOnSignal();
process.exitCode = await cli(process.argv.slice(2));
