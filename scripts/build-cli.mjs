// Bundles the CLI (src/cli.ts) into one file, dist/cli.js, with esbuild as
// the actions are bundled (scripts/build.mjs), without chunks: one file to copy.
import * as esbuild from 'esbuild';
import { REQUIRE_SHIM, dropWhenUnused, lazyUndiciInHttpClient } from './build.mjs';

await esbuild.build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: REQUIRE_SHIM },
  plugins: [lazyUndiciInHttpClient, dropWhenUnused],
  logLevel: 'warning',
});
