#!/usr/bin/env node
// `npx hotswap-ci` right after `npm ci`: runs src/cli.ts through tsx (a
// devDependency already installed), so there is no build step to forget and
// no stale bundle to run. `npm run build:cli` makes dist/cli.js, a single
// file for machines without the repository's node_modules.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
