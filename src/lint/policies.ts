// The production checklist as named rules over the rendered objects of one
// values set. Each rule is a small function returning violations (rules/);
// whether a violation is an error or a warning is decided per environment
// elsewhere (policy-config.ts).
import {
  dropCapabilities,
  imageTagPinned,
  probesSet,
  readOnlyRootFilesystem,
  resourcesSet,
  runAsNonRoot,
} from './rules/containers.js';
import {
  RULE_NAMES,
  type RenderedObject,
  type Rule,
  type RuleName,
  type Violation,
} from './rules/model.js';
import { ingressTls, minimumReplicas, podDisruptionBudget } from './rules/workloads.js';

export * from './rules/model.js';
export * from './rules/containers.js';
export * from './rules/workloads.js';

export const RULES: Record<RuleName, Rule> = {
  'run-as-non-root': runAsNonRoot,
  'read-only-root-filesystem': readOnlyRootFilesystem,
  'drop-capabilities': dropCapabilities,
  resources: resourcesSet,
  probes: probesSet,
  'image-tag': imageTagPinned,
  replicas: minimumReplicas,
  'pod-disruption-budget': podDisruptionBudget,
  'ingress-tls': ingressTls,
};

/** Runs the given rules (all by default) over the objects of one rendered values set. */
export function checkPolicies(
  objects: readonly RenderedObject[],
  rules: readonly RuleName[] = RULE_NAMES,
): Violation[] {
  return rules.flatMap((rule) => RULES[rule](objects));
}
