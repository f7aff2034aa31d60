// src/release: one Helm release and what these actions know of it. helm's
// history and our records on it (records.ts), the pure reading of both
// (state.ts: stuck, verified, where to roll back), the rollout watch of a
// revision (verify.ts: verifyRollout), "helm rollback, then watch" once
// (rollback.ts: rollbackTo) and the recovery of a stuck release
// (recover.ts: recoverStuck). Deploy and the rollback action are compositions
// of these.
//
// One error model: bad input (InputError) and infrastructure (a cluster or
// helm that cannot be reached) are thrown; so is a release this run must not
// touch (ReleaseRefusedError, nothing changed). What happened to the release
// (deployed, rolled back, not healthy) is returned as a result. The step
// runner catches what is thrown, in one place.
import type { Helm } from '../helm/helm.js';
import type { Kubectl } from '../kube/kubectl.js';

/** The clients and log a release operation works with. */
export interface ReleaseClients {
  helm: Helm;
  kubectl: Kubectl;
  log: (line: string) => void;
  /** Rollout watch poll interval (tests shorten it). */
  pollMs?: number;
}

/**
 * The release is in a state this run must not change (a live deploy holds
 * it, nothing to roll back to): thrown before anything was changed.
 */
export class ReleaseRefusedError extends Error {}
