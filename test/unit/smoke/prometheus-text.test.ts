import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricsFormatError, parsePrometheusText } from '../../../src/smoke/prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads what prom-client serves: counters, labelled histograms, process metrics', async () => {
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry });
    const counter = new client.Counter({
      name: 'hotswap_http_requests_total',
      help: 'Requests with "quotes" and a \\ backslash\nand a newline.',
      labelNames: ['code', 'path'],
      registers: [registry],
    });
    counter.inc({ code: '200', path: 'C:\\dir "x"\nnext' }, 3);
    const histogram = new client.Histogram({
      name: 'hotswap_http_request_duration_seconds',
      help: 'Latency.',
      labelNames: ['route'],
      buckets: [0.1, 1],
      registers: [registry],
    });
    histogram.observe({ route: '/health' }, 0.05);
    histogram.observe({ route: '/metrics' }, 0.5);

    const { families, samples } = parsePrometheusText(await registry.metrics());
    const requests = families.get('hotswap_http_requests_total')!;
    expect(requests.type).toBe('counter');
    expect(requests.help).toBe('Requests with "quotes" and a \\ backslash\nand a newline.');
    expect(requests.samples).toEqual([
      expect.objectContaining({ labels: { code: '200', path: 'C:\\dir "x"\nnext' }, value: 3 }),
    ]);
    const latency = families.get('hotswap_http_request_duration_seconds')!;
    expect(latency.type).toBe('histogram');
    // 3 buckets + sum + count for each of the two routes, labels kept.
    expect(latency.samples).toHaveLength(10);
    expect(
      samples.find(
        (s) =>
          s.name === 'hotswap_http_request_duration_seconds_count' && s.labels.route === '/metrics',
      )?.value,
    ).toBe(1);
    expect(
      samples.find(
        (s) =>
          s.name === 'hotswap_http_request_duration_seconds_bucket' &&
          s.labels.route === '/health' &&
          s.labels.le === '+Inf',
      )?.value,
    ).toBe(1);
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
  });

  it('reads special values, timestamps, untyped samples and a body without a final newline', () => {
    const { families, samples } = parsePrometheusText(
      '# a comment\nup 1 1700000000000\nnan_metric NaN\nlimit{a="b",} +Inf\nlow -Inf\nsci 1.5e3',
    );
    expect(families.get('up')).toMatchObject({ type: 'untyped' });
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ['up', 1],
      ['nan_metric', NaN],
      ['limit', Infinity],
      ['low', -Infinity],
      ['sci', 1500],
    ]);
    expect(samples[0]!.timestampMs).toBe(1_700_000_000_000);
    expect(samples[2]!.labels).toEqual({ a: 'b' });
  });

  it('groups summary quantiles, _sum and _count under the summary', () => {
    const { families } = parsePrometheusText(
      '# TYPE rpc summary\nrpc{quantile="0.5"} 1\nrpc_sum 10\nrpc_count 4\n',
    );
    expect(families.get('rpc')!.samples.map((s) => s.name)).toEqual([
      'rpc',
      'rpc_sum',
      'rpc_count',
    ]);
    expect(families.has('rpc_sum')).toBe(false);
  });

  it.each([
    ['<html><body>502 Bad Gateway</body></html>', 1, 'invalid metric name'],
    ['ok 1\nhotswap_up{code="200" 1', 2, "expected ',' or '}' after label code"],
    ['hotswap_up twelve', 1, 'invalid sample value "twelve"'],
    ['hotswap_up', 1, 'missing sample value'],
    ['hotswap_up 1 2 3', 1, 'unexpected text after the timestamp'],
    ['hotswap_up 1 soon', 1, 'invalid timestamp "soon"'],
    ['hotswap_up{code=200} 1', 1, `expected '"' to open the value of label code`],
    ['hotswap_up{code="2\\x"} 1', 1, "invalid escape '\\x' in label code"],
    ['hotswap_up{code="200",code="500"} 1', 1, 'label code repeated'],
    ['hotswap_up{1code="200"} 1', 1, 'invalid label name'],
    ['hotswap_up{code="200', 1, 'unterminated value of label code'],
    ['# TYPE hotswap_up countr', 1, 'unknown metric type'],
    ['# TYPE hotswap_up gauge\n# TYPE hotswap_up gauge', 2, 'second TYPE line for hotswap_up'],
    ['hotswap_up 1\n# TYPE hotswap_up gauge', 2, 'TYPE line for hotswap_up after its samples'],
    ['# HELP 9lives x', 1, 'invalid metric name'],
    ['hot-swap 1', 1, 'invalid metric name'],
  ])('rejects %j at line %i: %s', (text, line, reason) => {
    let error: unknown;
    try {
      parsePrometheusText(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MetricsFormatError);
    expect((error as MetricsFormatError).line).toBe(line);
    expect((error as MetricsFormatError).reason).toBe(reason);
    expect((error as Error).message).toMatch(new RegExp(`^line ${line}: `));
  });

  it('accepts an empty body (the checks decide what must be there)', () => {
    expect(parsePrometheusText('').samples).toEqual([]);
  });

  it('reads OpenMetrics text as prom-client serves it, exemplars included', async () => {
    const registry = new client.Registry<client.OpenMetricsContentType>();
    registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
    client.collectDefaultMetrics({ register: registry });
    // prom-client's types tie exemplar labels to the metric's own label names.
    const exemplar = (traceId: string) => ({ traceId }) as Record<string, string>;
    const counter = new client.Counter({
      name: 'hotswap_http_requests_total',
      help: 'Requests.',
      labelNames: ['route', 'code'],
      registers: [registry],
      enableExemplars: true,
    });
    counter.inc({
      labels: { route: '/health', code: '200' },
      value: 2,
      exemplarLabels: exemplar('abc'),
    });
    const histogram = new client.Histogram({
      name: 'hotswap_http_request_duration_seconds',
      help: 'Latency.',
      labelNames: ['route'],
      buckets: [0.1, 1],
      registers: [registry],
      enableExemplars: true,
    });
    histogram.observe({
      labels: { route: '/health' },
      value: 0.5,
      exemplarLabels: exemplar('d'),
    });

    const body = await registry.metrics();
    expect(body).toMatch(/_total\{[^}]*\} 2 # \{traceId="abc"\} 2 \d+\.?\d*\n/);
    const { format, families, samples } = parsePrometheusText(body);
    expect(format).toBe('openmetrics');
    // OpenMetrics names the counter family without _total; its sample keeps it.
    const requests = families.get('hotswap_http_requests')!;
    expect(requests.type).toBe('counter');
    expect(requests.samples).toEqual([
      expect.objectContaining({
        name: 'hotswap_http_requests_total',
        labels: { route: '/health', code: '200' },
        value: 2,
      }),
    ]);
    expect(families.get('hotswap_http_request_duration_seconds')?.samples).toHaveLength(5);
    expect(samples.find((s) => s.name.endsWith('_bucket') && s.labels.le === '1')?.value).toBe(1);
  });

  it('reads the OpenMetrics types, float-second timestamps and _created samples', () => {
    const { families } = parsePrometheusText(
      [
        '# TYPE build info',
        'build_info{version="1.2.3"} 1',
        '# TYPE feature stateset',
        'feature{feature="a"} 1',
        '# TYPE queue gaugehistogram',
        'queue_bucket{le="+Inf"} 4',
        'queue_gcount 4',
        'queue_gsum 2.5',
        '# TYPE jobs counter',
        '# UNIT jobs jobs',
        'jobs_total 3 1520879607.789',
        'jobs_created 1520430000.123',
        '# TYPE other unknown',
        'other 1',
        '# EOF',
        '',
      ].join('\n'),
    );
    expect(
      Object.fromEntries([...families].map(([name, f]) => [name, [f.type, f.samples.length]])),
    ).toEqual({
      build: ['info', 1],
      feature: ['stateset', 1],
      queue: ['gaugehistogram', 3],
      jobs: ['counter', 2],
      other: ['unknown', 1],
    });
    expect(families.get('jobs')?.samples[0]?.timestampMs).toBe(1520879607789);
  });

  it('keeps the 0.0.4 rules for a body without # EOF, and checks exemplars for form', () => {
    expect(() => parsePrometheusText('# TYPE build info\nbuild_info 1\n')).toThrow(
      'line 1: unknown metric type',
    );
    expect(() => parsePrometheusText('x_total 1 # {a="b"} 1\n')).toThrow(
      'line 1: unexpected text after the timestamp',
    );
    expect(() => parsePrometheusText('x 1 1.5\n')).toThrow('line 1: invalid timestamp');
    expect(() => parsePrometheusText('x_total 1 # {a="b"} one\n# EOF\n')).toThrow(
      'line 1: invalid exemplar',
    );
    expect(() => parsePrometheusText('x_total 1 # a\n# EOF\n')).toThrow(
      "line 1: expected '{' to open an exemplar's labels",
    );
  });
});
