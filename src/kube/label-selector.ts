// kubectl's label selector semantics: every matchLabels pair and every
// matchExpression must hold. Pure; shared by the rollout watch (live pods)
// and the lint policy rules (rendered objects, where values may be numbers).
import type { LabelSelector } from './release-objects.js';

export interface SelectorOptions {
  /**
   * What a selector with no matchLabels and no matchExpressions selects:
   * `everything`, as Kubernetes reads one (policy/v1), or `nothing`, as
   * policy/v1beta1 read one and as lint counts one (it names no pods).
   */
  empty: 'everything' | 'nothing';
}

function expressionHolds(
  labels: Record<string, unknown>,
  e: { key: string; operator: string; values?: readonly unknown[] },
): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  const values = (Array.isArray(e.values) ? e.values : []).map(String);
  const value = String(labels[e.key]);
  switch (e.operator) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** Whether the selector selects these labels; no selector selects nothing. */
export function matchesSelector(
  labels: Record<string, unknown> | undefined,
  selector: LabelSelector | undefined,
  options: SelectorOptions = { empty: 'everything' },
): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const l = labels ?? {};
  const matchLabels = selector.matchLabels ?? {};
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (!Object.keys(matchLabels).length && !expressions.length)
    return options.empty === 'everything';
  for (const [k, v] of Object.entries(matchLabels))
    if (!Object.prototype.hasOwnProperty.call(l, k) || String(l[k]) !== String(v)) return false;
  return expressions.every((e) => !!e && typeof e === 'object' && expressionHolds(l, e));
}
