// Bundles the CLI (src/cli.ts) into one file, dist/cli.js, with ncc.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';

rmSync('build/cli', { recursive: true, force: true });
execFileSync('npx', ['ncc', 'build', 'src/cli.ts', '-o', 'build/cli', '--quiet'], {
  stdio: 'inherit',
});
mkdirSync('dist', { recursive: true });
renameSync('build/cli/index.js', 'dist/cli.js');
rmSync('build/cli', { recursive: true, force: true });
