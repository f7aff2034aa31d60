// Every input of actions/rollback (and `hotswap-ci rollback`), read and
// validated in one place before helm runs.
import {
  readClusterInputs,
  readReleaseInputs,
  readRolloutInputs,
  type ClusterInputs,
} from '../inputs/cluster.js';
import { withDefaults } from '../inputs/defaults.js';
import { parseInteger, type InputReader } from '../inputs/parse.js';
import type { RollbackSettings } from './rollback.js';

export interface RollbackInputs extends RollbackSettings, ClusterInputs {}

export function readRollbackInputs(given: InputReader): RollbackInputs {
  const read = withDefaults(given, 'rollback');
  const revisionRaw = read('revision').trim();
  return {
    ...readReleaseInputs(read),
    revision:
      revisionRaw === ''
        ? undefined
        : parseInteger('revision', revisionRaw, { min: 1, max: 1_000_000 }),
    ...readRolloutInputs(read),
    ...readClusterInputs(read),
  };
}
