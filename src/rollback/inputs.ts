// Every input of actions/rollback (and `hotswap-ci rollback`), read and
// validated in one place before helm runs.
import { parseDnsLabel, parseChoice, parseDuration, parseInteger } from '../inputs/parse.js';
import {
  parseReleaseName,
  readHelmMajor,
  readKubeconfig,
  readKubeContext,
  readRolloutTimeout,
} from '../deploy/settings.js';
import type { RollbackSettings } from './rollback.js';
import type { InputReader } from '../inputs/parse.js';

export interface RollbackInputs extends RollbackSettings {
  helmBin: string;
  helmMajor: 3 | 4 | undefined;
  kubectlBin: string;
  kubeconfig: string;
  kubeContext: string;
}

export function readRollbackInputs(read: InputReader): RollbackInputs {
  const revisionRaw = read('revision').trim();
  const kubeContext = readKubeContext(read);
  const timeoutMs = readRolloutTimeout(read);
  return {
    release: parseReleaseName('release', read('release')),
    namespace: parseDnsLabel('namespace', read('namespace')),
    revision:
      revisionRaw === ''
        ? undefined
        : parseInteger('revision', revisionRaw, { min: 1, max: 1_000_000 }),
    timeoutMs,
    wait: parseChoice('wait', read('wait'), ['watch', 'helm', 'none'] as const, 'watch'),
    historyMax: parseInteger('history-max', read('history-max'), {
      min: 0,
      max: 1000,
      fallback: 10,
    }),
    crashLoopRestarts: parseInteger('crash-loop-restarts', read('crash-loop-restarts'), {
      min: 0,
      max: 100,
      fallback: 2,
    }),
    unschedulableGraceMs: parseDuration('unschedulable-grace', read('unschedulable-grace'), 30_000),
    helmBin: read('helm').trim() || 'helm',
    helmMajor: readHelmMajor(read),
    kubectlBin: read('kubectl').trim() || 'kubectl',
    kubeconfig: readKubeconfig(read),
    kubeContext,
  };
}
