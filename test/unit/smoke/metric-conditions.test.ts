import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseMetricCondition } from '../../../src/smoke/metric-conditions.js';
import { parsePrometheusText } from '../../../src/smoke/prometheus-text.js';

const { samples } = parsePrometheusText(`
hotswap_http_requests_total{method="GET",route="/health",code="200"} 4
hotswap_http_requests_total{method="GET",route="/health",code="503"} 2
hotswap_http_requests_total{method="POST",route="/api/v1/swaps",code="202"} 1
hotswap_kernels_loaded 1
`);

function check(text: string) {
  return evaluateCondition(parseMetricCondition(text), samples);
}

describe('metric conditions', () => {
  it('parses selectors, matchers, aggregations and comparisons', () => {
    expect(parseMetricCondition(' sum( x:y_total{ a = "1", b!~"2|3" , } ) <= -1.5e2 ')).toEqual({
      text: 'sum( x:y_total{ a = "1", b!~"2|3" , } ) <= -1.5e2',
      aggregation: 'sum',
      metric: 'x:y_total',
      matchers: [
        { label: 'a', op: '=', value: '1' },
        { label: 'b', op: '!~', value: '2|3', regex: expect.anything() },
      ],
      comparison: '<=',
      threshold: -150,
    });
    expect(parseMetricCondition('up{path="a\\"b"} == +Inf').matchers[0]!.value).toBe('a"b');
  });

  it.each([
    ['hotswap_up', 'expected a comparison'],
    ['hotswap_up >> 1', 'expected a comparison'],
    ['hotswap_up >= one', 'expected a number after >=, not one'],
    ['hotswap-up >= 1', 'expected a comparison'],
    ['{code="200"} >= 1', 'expected a metric name'],
    ['hotswap_up{code=200} >= 1', 'expected label matchers'],
    ['hotswap_up{code="200" route="/"} >= 1', "expected ',' or '}'"],
    ['hotswap_up{code=~"("} >= 1', 'invalid regular expression'],
    ['sum(hotswap_up >= 1', "expected ')' to close sum("],
    ['avg(hotswap_up) >= 1', 'expected a comparison'],
  ])('rejects %j', (text, message) => {
    expect(() => parseMetricCondition(text)).toThrow(message);
  });

  it('matches regular expressions whole, in linear time (no catastrophic backtracking)', () => {
    const { samples: long } = parsePrometheusText(`app_info{version="${'a'.repeat(48)}"} 1\n`);
    const started = Date.now();
    const result = evaluateCondition(
      parseMetricCondition('app_info{version=~"(a|aa)*b"} >= 1'),
      long,
    );
    expect(result.passed).toBe(false);
    // A backtracking engine takes minutes here; RE2 a few milliseconds.
    expect(Date.now() - started).toBeLessThan(1000);
    const anchored = (re: string, value: string) =>
      parseMetricCondition(`m{l=~${JSON.stringify(re)}} > 0`).matchers[0]!.regex!.matches(value);
    expect(anchored('a|b', 'ab')).toBe(false);
    expect(anchored('/health.*', '/healthz')).toBe(true);
    expect(anchored('5..', '503x')).toBe(false);
  });

  it('refuses regular expression syntax RE2 (and Prometheus) does not have', () => {
    expect(() => parseMetricCondition('m{l=~"(a)\\\\1"} > 0')).toThrow(
      /invalid regular expression.*RE2/,
    );
    expect(() => parseMetricCondition('m{l=~"(?=x)"} > 0')).toThrow(/invalid regular expression/);
  });

  it('passes when any matching series satisfies the comparison', () => {
    expect(check('hotswap_http_requests_total{code="200"} >= 1')).toMatchObject({ passed: true });
    expect(check('hotswap_http_requests_total{code=~"5.."} > 0')).toMatchObject({ passed: true });
    expect(check('hotswap_http_requests_total{method!="GET"} == 1')).toMatchObject({
      passed: true,
    });
    expect(check('hotswap_http_requests_total{code!~"2.."} == 2')).toMatchObject({ passed: true });
  });

  it('fails with the values it saw', () => {
    expect(check('hotswap_http_requests_total{code="200"} >= 5')).toEqual({
      condition: 'hotswap_http_requests_total{code="200"} >= 5',
      passed: false,
      detail: 'hotswap_http_requests_total{method="GET",route="/health",code="200"} = 4',
    });
  });

  it('anchors regular expressions like PromQL', () => {
    expect(check('hotswap_http_requests_total{code=~"20"} >= 0').passed).toBe(false);
  });

  it('tells a missing metric from labels that match nothing', () => {
    expect(check('hotswap_rollbacks_total > 0').detail).toBe(
      'hotswap_rollbacks_total is not exposed',
    );
    expect(check('hotswap_http_requests_total{code="418"} > 0').detail).toBe(
      'no hotswap_http_requests_total series has matching labels',
    );
  });

  it('sums and counts series', () => {
    expect(check('sum(hotswap_http_requests_total{route="/health"}) == 6')).toMatchObject({
      passed: true,
      detail: 'sum over 2 series = 6',
    });
    expect(check('count(hotswap_http_requests_total) == 3').passed).toBe(true);
    expect(check('count(hotswap_http_requests_total{code="418"}) == 0')).toMatchObject({
      passed: true,
      detail: '0 series matched',
    });
  });
});
