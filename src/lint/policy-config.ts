// Which policy rules are errors, warnings or off, per environment. The map is
// small YAML given as the `policy` input and merged over the defaults:
//
//   production: error            # every rule an error
//   staging:
//     default: warning
//     pod-disruption-budget: error
//   dev: warning
//   default: warning             # any other environment and ci/*-values.yaml sets
//
// The values-file rules (misspelt-key) are warnings whatever level an entry
// gives every rule: only naming them (`dev: {misspelt-key: off}`) changes
// that, as they guess at intent where the checklist rules do not.
import { parse } from 'yaml';
import { InputError } from '../inputs/errors.js';
import { RULE_NAMES, type RuleName } from './policies.js';

export const LEVELS = ['error', 'warning', 'off'] as const;
export type Level = (typeof LEVELS)[number];

/** Rules over the values files (values-keys.ts), reported under `values/<rule>`. */
export const VALUES_RULE_NAMES = ['misspelt-key'] as const;
export type ValuesRuleName = (typeof VALUES_RULE_NAMES)[number];

const ALL_RULES: readonly string[] = [...RULE_NAMES, ...VALUES_RULE_NAMES];

export type RuleLevels = Record<RuleName | ValuesRuleName, Level>;
export type PolicyConfig = Record<string, RuleLevels>;

/** Key of the entry used for environments the map does not name. */
export const DEFAULT_KEY = 'default';

export const DEFAULT_POLICY_TEXT = `production: error
default: warning
`;

function uniform(level: Level): RuleLevels {
  return Object.fromEntries([
    ...RULE_NAMES.map((r) => [r, level]),
    ...VALUES_RULE_NAMES.map((r) => [r, 'warning']),
  ]) as RuleLevels;
}

function parseLevel(input: string, raw: string, value: unknown, where: string): Level {
  if (typeof value === 'string' && (LEVELS as readonly string[]).includes(value))
    return value as Level;
  throw new InputError(
    input,
    raw,
    `${where} to be one of ${LEVELS.join(', ')} (got ${JSON.stringify(value)})`,
  );
}

function parseEntry(
  input: string,
  raw: string,
  key: string,
  value: unknown,
  fallback: Level,
): RuleLevels {
  if (typeof value === 'string') return uniform(parseLevel(input, raw, value, `'${key}'`));
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      input,
      raw,
      `'${key}' to be a level (${LEVELS.join(', ')}) or a map of rule: level`,
    );
  }
  const map = value as Record<string, unknown>;
  const base =
    map[DEFAULT_KEY] === undefined
      ? fallback
      : parseLevel(input, raw, map[DEFAULT_KEY], `'${key}.default'`);
  const levels = uniform(base);
  for (const [rule, level] of Object.entries(map)) {
    if (rule === DEFAULT_KEY) continue;
    if (!ALL_RULES.includes(rule)) {
      throw new InputError(
        input,
        raw,
        `rule names under '${key}' from ${ALL_RULES.join(', ')} (got '${rule}')`,
      );
    }
    levels[rule as keyof RuleLevels] = parseLevel(input, raw, level, `'${key}.${rule}'`);
  }
  return levels;
}

/** Parses the policy map; entries of `raw` replace the defaults of the same environment. */
export function parsePolicy(input: string, raw: string): PolicyConfig {
  const merged: Record<string, unknown> = parse(DEFAULT_POLICY_TEXT) as Record<string, unknown>;
  if (raw.trim()) {
    let parsed: unknown;
    try {
      parsed = parse(raw);
    } catch (error) {
      throw new InputError(input, raw, `YAML (${(error as Error).message.split('\n')[0]})`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InputError(
        input,
        raw,
        'a YAML map of environment: level or environment: {rule: level}',
      );
    }
    Object.assign(merged, parsed);
  }
  const fallback = parseEntry(input, raw, DEFAULT_KEY, merged[DEFAULT_KEY] ?? 'warning', 'warning');
  const config: PolicyConfig = { [DEFAULT_KEY]: fallback };
  for (const [key, value] of Object.entries(merged)) {
    if (key === DEFAULT_KEY) continue;
    config[key] = parseEntry(input, raw, key, value, 'warning');
  }
  return config;
}

export function levelsFor(config: PolicyConfig, environment: string): RuleLevels {
  return config[environment] ?? config[DEFAULT_KEY]!;
}
