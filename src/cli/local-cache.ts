// Where `hotswap-ci setup` keeps its tools and clusters outside a runner:
// $XDG_CACHE_HOME/hotswap-ci (default ~/.cache/hotswap-ci). The installer uses
// the runner's tool cache (RUNNER_TOOL_CACHE) and temp dir (RUNNER_TEMP): when
// they are unset, they point here, so a second run is a cache hit.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache');
  return path.join(base, 'hotswap-ci');
}

/** A cluster's files (kubeconfig, kwok workdir, cluster.json): they outlive the command. */
export function clusterDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'clusters', name);
}

/** Fills in RUNNER_TOOL_CACHE and RUNNER_TEMP when unset; says which it set. */
export function useLocalToolCache(log: (line: string) => void, env = process.env): void {
  const defaults = {
    RUNNER_TOOL_CACHE: path.join(cacheRoot(env), 'tool-cache'),
    RUNNER_TEMP: path.join(cacheRoot(env), 'tmp'),
  };
  for (const [name, dir] of Object.entries(defaults)) {
    if (env[name]) continue;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env[name] = dir;
    log(`${name} is not set: using ${dir}`);
  }
}
