// Conditions on scraped metrics, written as a small subset of PromQL that
// engineers already read:
//
//   hotswap_http_requests_total{code="200"} >= 1         any matching series
//   sum(hotswap_http_requests_total{route=~"/health.*"}) > 0
//   count(hotswap_kernels_loaded) == 1
//
// Matchers: = != =~ !~ (regular expressions anchored, as in PromQL).
//
// Regular expressions run on RE2 (re2js, a pure JavaScript port): the same
// syntax Prometheus itself uses (Go's regexp), matched in linear time. A
// backtracking engine lets `(a|aa)*b` on a 48-character label block the event
// loop for minutes, past every timeout of the check.
// Operators: == != > >= < <=. Values: numbers, +Inf, -Inf, NaN.
import { RE2JS } from 're2js';
import { isLabelName, isMetricName, parseFloatValue, type Sample } from './prometheus-text.js';

export type Comparison = '==' | '!=' | '>' | '>=' | '<' | '<=';
export type Aggregation = 'any' | 'sum' | 'count';

export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  /** The compiled =~ / !~ pattern: whole-value match, linear time. */
  regex?: { matches(input: string): boolean };
}

export interface MetricCondition {
  /** As written by the user, for messages and the report. */
  text: string;
  aggregation: Aggregation;
  metric: string;
  matchers: LabelMatcher[];
  comparison: Comparison;
  threshold: number;
}

export interface ConditionResult {
  condition: string;
  passed: boolean;
  /** What was observed: the values compared, or why nothing was. */
  detail: string;
}

/** Parses one condition; throws an Error whose message says what is wrong. */
export function parseMetricCondition(text: string): MetricCondition {
  const source = text.trim();
  const fail = (why: string): never => {
    throw new Error(`${why} in ${JSON.stringify(source)}`);
  };
  let rest = source;
  let aggregation: Aggregation = 'any';
  const agg = /^(sum|count)\s*\(/.exec(rest);
  if (agg) {
    aggregation = agg[1] as Aggregation;
    rest = rest.slice(agg[0].length);
  }
  const nameMatch = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(rest);
  if (!nameMatch || !isMetricName(nameMatch[1]!)) fail('expected a metric name');
  const metric = nameMatch![1]!;
  rest = rest.slice(nameMatch![0].length);

  const matchers: LabelMatcher[] = [];
  if (/^\s*\{/.test(rest)) {
    rest = rest.replace(/^\s*\{/, '');
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) break;
      const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,?)/.exec(rest);
      if (!m || !isLabelName(m[1]!))
        fail('expected label matchers like {code="200"} or {route=~"/api/.*"}');
      const value = JSON.parse(`"${m![3]!}"`) as string;
      const op = m![2] as LabelMatcher['op'];
      const matcher: LabelMatcher = { label: m![1]!, op, value };
      if (op === '=~' || op === '!~') {
        try {
          matcher.regex = RE2JS.compile(value);
        } catch (error) {
          fail(
            `invalid regular expression ${JSON.stringify(value)} (RE2 syntax: ${(error as Error).message})`,
          );
        }
      }
      matchers.push(matcher);
      rest = rest.slice(m![0].length);
      if (m![4] !== ',' && !rest.trimStart().startsWith('}')) fail("expected ',' or '}'");
    }
    rest = rest.trimStart().slice(1);
  }
  if (aggregation !== 'any') {
    if (!/^\s*\)/.test(rest)) fail(`expected ')' to close ${aggregation}(`);
    rest = rest.replace(/^\s*\)/, '');
  }
  const cmp = /^\s*(==|!=|>=|<=|>|<)\s*(\S+)\s*$/.exec(rest);
  if (!cmp) fail('expected a comparison such as >= 1 after the selector');
  const threshold = parseFloatValue(cmp![2]!);
  if (threshold === undefined) fail(`expected a number after ${cmp![1]}, not ${cmp![2]}`);
  return {
    text: source,
    aggregation,
    metric,
    matchers,
    comparison: cmp![1] as Comparison,
    threshold: threshold!,
  };
}

function matches(sample: Sample, matchers: readonly LabelMatcher[]): boolean {
  return matchers.every((m) => {
    const actual = sample.labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return actual === m.value;
      case '!=':
        return actual !== m.value;
      case '=~':
        return m.regex!.matches(actual);
      case '!~':
        return !m.regex!.matches(actual);
    }
  });
}

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

function formatSeries(sample: Sample): string {
  const labels = Object.entries(sample.labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return `${sample.name}${labels ? `{${labels}}` : ''} = ${sample.value}`;
}

export function evaluateCondition(
  condition: MetricCondition,
  samples: readonly Sample[],
): ConditionResult {
  const selected = samples.filter(
    (s) => s.name === condition.metric && matches(s, condition.matchers),
  );
  const result = (passed: boolean, detail: string): ConditionResult => ({
    condition: condition.text,
    passed,
    detail,
  });
  const { comparison: op, threshold } = condition;
  if (condition.aggregation === 'count') {
    const n = selected.length;
    return result(compare(n, op, threshold), `${n} series matched`);
  }
  if (selected.length === 0) {
    const known = samples.some((s) => s.name === condition.metric);
    return result(
      false,
      known
        ? `no ${condition.metric} series has matching labels`
        : `${condition.metric} is not exposed`,
    );
  }
  if (condition.aggregation === 'sum') {
    const total = selected.reduce((acc, s) => acc + s.value, 0);
    return result(compare(total, op, threshold), `sum over ${selected.length} series = ${total}`);
  }
  const passing = selected.filter((s) => compare(s.value, op, threshold));
  const shown = (passing.length ? passing : selected).slice(0, 3).map(formatSeries);
  const more = selected.length > 3 ? ` (${selected.length} series)` : '';
  return result(passing.length > 0, shown.join('; ') + more);
}
