// helm and kubectl are Go programs that we start many times for a second or
// less each. Go's collector starts at a 4 MiB heap and, on a small runner,
// competes for the CPUs with the very work it serves: for `helm lint` and
// `helm template` of a chart it was 30 % of their CPU time. A short-lived
// process gains nothing from collecting, so these get no collection until
// their heap nears a soft limit (the memory-limit mode Go documents for
// this), unless the user's environment already tunes the collector.
import { availableParallelism, totalmem } from 'node:os';

/** The soft heap limit per process: a share of the machine, 256 MiB to 1 GiB. */
export function goMemoryLimitMiB(
  totalBytes = totalmem(),
  processes = availableParallelism(),
): number {
  const share = Math.floor(totalBytes / 2 ** 20 / (2 * Math.max(1, processes)));
  return Math.min(1024, Math.max(256, share));
}

/**
 * `env` with the collector settings for a short-lived Go CLI. Not for
 * processes that run on (port-forward, cluster daemons): those would keep
 * their heap up to the limit.
 */
export function shortLivedGoEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.GOGC !== undefined || env.GOMEMLIMIT !== undefined) return env;
  return { ...env, GOGC: 'off', GOMEMLIMIT: `${goMemoryLimitMiB()}MiB` };
}
