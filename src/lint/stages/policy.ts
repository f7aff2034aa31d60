// Stage 5, policy: the production checklist rules (policies.ts) over the
// rendered objects, at the level the set's policy gives each rule.
import type { Locator } from '../locate.js';
import type { ValuesSet } from '../plan.js';
import { RULE_NAMES, checkPolicies, type RenderedObject, type ValuesHint } from '../policies.js';
import { DEFAULT_KEY, levelsFor, type RuleLevels } from '../policy-config.js';
import type { LintSettings } from '../settings.js';
import type { StageFinding } from './context.js';

/** The set's own entry, else `ci` for chart test scenarios, else the defaults. */
export function policyLevels(settings: LintSettings, set: ValuesSet): RuleLevels {
  if (settings.policy[set.name]) return settings.policy[set.name]!;
  if (set.kind === 'ci' && settings.policy.ci) return settings.policy.ci;
  return levelsFor(settings.policy, set.kind === 'ci' ? DEFAULT_KEY : set.name);
}

/** `9 as warnings`, `7 as errors, 2 off`. */
export function describeLevels(levels: RuleLevels): string {
  const counts = { error: 0, warning: 0, off: 0 };
  for (const rule of RULE_NAMES) counts[levels[rule]]++;
  return (['error', 'warning', 'off'] as const)
    .filter((l) => counts[l])
    .map((l) => `${counts[l]} ${l === 'off' ? 'off' : `as ${l}s`}`)
    .join(', ');
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers']);

/** The part of a field path below its container (`resources.limits` of `spec…containers.1.resources.limits`). */
function fieldInContainer(field: readonly (string | number)[]): (string | number)[] | undefined {
  const list = field.findLastIndex((s) => typeof s === 'string' && CONTAINER_LISTS.has(s));
  return list < 0 ? undefined : field.slice(list + 2);
}

/**
 * Names a container's template block may spell out for a finding, best first:
 * the deepest the object has, then the fields the rule is about (a missing
 * `resources` is written in the block's `{{- if .Values.core.resources }}`).
 */
function fieldNames(below: readonly (string | number)[], hint: ValuesHint): string[] {
  const present = below.filter((s): s is string => typeof s === 'string').reverse();
  return [...new Set([...present, ...hint.keys.map((k) => k.split('.')[0]!)])];
}

/**
 * Violations of the active rules. `seen` is shared by the target versions of
 * one set: the same violation rendered for two versions is one finding.
 */
export function policyStage(
  objects: readonly RenderedObject[],
  levels: RuleLevels,
  locator: Locator,
  seen: Set<string>,
): StageFinding[] {
  const active = RULE_NAMES.filter((r) => levels[r] !== 'off');
  const findings: StageFinding[] = [];
  for (const v of checkPolicies(objects, active)) {
    const key = `${v.rule}\u0000${v.object}\u0000${v.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A subchart's object is located in the subchart, with its values.
    const { locator: chart, source } = locator.forSource(v.source);
    // A field of the container itself (not its pod's) is read by the container's template block.
    const below = fieldInContainer(v.field);
    const container = below && v.hint.containers;
    const reads = container && chart.containerReads(source, container.own, container.others);
    const hint = reads ? { ...v.hint, containers: { ...container, reads } } : v.hint;
    // Looked for only when neither the literal nor a values key placed it.
    const inBlock = () => {
      const field =
        container && chart.containerField(source, container.own, fieldNames(below, v.hint));
      return field && (chart.valuesMapOfLine(field) ?? field);
    };
    const at =
      chart.templateLiteral(source, v.field, v.rendered, v.document) ??
      chart.valuesHint(hint, v.context) ??
      inBlock() ??
      chart.templateField(source, v.field, v.document);
    findings.push({
      check: 'policy',
      severity: levels[v.rule] === 'error' ? 'error' : 'warning',
      title: `policy/${v.rule}`,
      message: v.message,
      file: at.file,
      line: at.line,
      ...(at.column ? { column: at.column } : {}),
    });
  }
  return findings;
}
