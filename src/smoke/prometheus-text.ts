// A strict parser of the Prometheus text exposition format (version 0.0.4),
// the format a /metrics endpoint serves, and of OpenMetrics 1.0 text, which
// exporters serve when asked or configured to (prom-client, client_python,
// Micrometer): a body whose last line is `# EOF`. Strict on purpose: a smoke
// test must fail on a page that only looks like metrics (an HTML error page,
// a truncated body, a broken exporter), and name the line that is wrong.
//
// Why not a library: the one npm parser of this format,
// parse-prometheus-text-format, has had no release since 2019 and drops the
// labels of labelled histograms (open PR #8, issue #13), the last line of a
// body without a final newline, and non-numeric sample values go through.
// The format is small and fully specified; the rules below follow the
// specification and the reference parser (prometheus/common expfmt).

export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'summary'
  | 'untyped'
  // OpenMetrics only:
  | 'gaugehistogram'
  | 'stateset'
  | 'info'
  | 'unknown';

export interface Sample {
  /** The sample's own name, e.g. `x_bucket` of histogram `x`. */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
  /** 1-based line in the body. */
  line: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

export interface Exposition {
  format: 'prometheus' | 'openmetrics';
  families: Map<string, MetricFamily>;
  samples: Sample[];
}

export class MetricsFormatError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly text: string,
  ) {
    super(
      `line ${line}: ${reason}: ${JSON.stringify(text.length > 120 ? text.slice(0, 117) + '...' : text)}`,
    );
    this.name = 'MetricsFormatError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const OPENMETRICS_TYPES = new Set<MetricType>([
  'counter',
  'gauge',
  'histogram',
  'summary',
  'gaugehistogram',
  'stateset',
  'info',
  'unknown',
]);
/** The sample names of a family besides its own name, by type. */
const SUFFIXES: Partial<Record<MetricType, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['_sum', '_count', '_created'],
  counter: ['_total', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  info: ['_info'],
};
const EOF = '# EOF';
// Go's strconv.ParseFloat forms that exporters emit, plus the spec's special values.
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/;
const SPECIAL: Record<string, number> = {
  '+inf': Infinity,
  inf: Infinity,
  '-inf': -Infinity,
  nan: NaN,
};

export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

/** A sample value or comparison operand: a float, `+Inf`, `-Inf` or `NaN`. */
export function parseFloatValue(text: string): number | undefined {
  const special = SPECIAL[text.toLowerCase()];
  if (special !== undefined) return special;
  if (!FLOAT.test(text)) return undefined;
  return Number(text);
}

/**
 * The family a sample belongs to: `x_bucket`, `x_sum`, `x_count` belong to
 * histogram `x`; in OpenMetrics `x_total` to counter `x`, `x_info` to info `x`.
 */
function familyOf(name: string, types: Map<string, MetricType>): string {
  if (types.has(name)) return name;
  for (const [type, suffixes] of Object.entries(SUFFIXES)) {
    const suffix = suffixes.find((end) => name.endsWith(end));
    const base = suffix && name.slice(0, -suffix.length);
    if (base && types.get(base) === type) return base;
  }
  return name;
}

/**
 * Reads a label set starting at `text[start] === '{'`. Returns the labels and
 * the index after the closing brace.
 */
function readLabels(
  text: string,
  start: number,
  fail: (reason: string) => never,
): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') return [labels, i + 1];
    const nameStart = i;
    while (i < text.length && /[a-zA-Z0-9_]/.test(text[i]!)) i++;
    const name = text.slice(nameStart, i);
    if (!isLabelName(name)) fail('invalid label name');
    skipSpace();
    if (text[i] !== '=') fail(`expected '=' after label ${name}`);
    i++;
    skipSpace();
    if (text[i] !== '"') fail(`expected '"' to open the value of label ${name}`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) fail(`unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else fail(`invalid escape '\\${next ?? ''}' in label ${name}`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    if (name in labels) fail(`label ${name} repeated`);
    labels[name] = value;
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') return [labels, i + 1];
    fail(`expected ',' or '}' after label ${name}`);
  }
}

function parseSample(line: string, lineNo: number, openMetrics: boolean): Sample {
  const fail = (reason: string): never => {
    throw new MetricsFormatError(lineNo, reason, line);
  };
  let i = 0;
  while (i < line.length && /[a-zA-Z0-9_:]/.test(line[i]!)) i++;
  const name = line.slice(0, i);
  // The name ends at whitespace or a label set; anything else is part of a bad name.
  if (!isMetricName(name) || (i < line.length && !/[ \t{]/.test(line[i]!)))
    fail('invalid metric name');
  while (line[i] === ' ' || line[i] === '\t') i++;
  let labels: Record<string, string> = {};
  if (line[i] === '{') [labels, i] = readLabels(line, i, fail);
  let rest = line.slice(i);
  // OpenMetrics: `value [timestamp] # {exemplar labels} value [timestamp]`.
  const exemplarAt = openMetrics ? rest.indexOf(' # ') : -1;
  if (exemplarAt >= 0) {
    checkExemplar(rest.slice(exemplarAt + 3), fail);
    rest = rest.slice(0, exemplarAt);
  }
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length === 0 || fields[0] === '') fail('missing sample value');
  if (fields.length > 2) fail('unexpected text after the timestamp');
  const value = parseFloatValue(fields[0]!);
  if (value === undefined) fail(`invalid sample value ${JSON.stringify(fields[0])}`);
  const sample: Sample = { name, labels, value: value!, line: lineNo };
  if (fields.length === 2) sample.timestampMs = parseTimestamp(fields[1]!, openMetrics, fail);
  return sample;
}

/** Milliseconds; OpenMetrics gives seconds, possibly fractional. */
function parseTimestamp(text: string, openMetrics: boolean, fail: (reason: string) => never) {
  const seconds = openMetrics ? parseFloatValue(text) : undefined;
  if (seconds !== undefined && Number.isFinite(seconds)) return seconds * 1000;
  if (!openMetrics && /^-?\d+$/.test(text)) return Number(text);
  return fail(`invalid timestamp ${JSON.stringify(text)}`);
}

/** An exemplar is checked for form only: a smoke test never reads it. */
function checkExemplar(text: string, fail: (reason: string) => never): void {
  if (!text.startsWith('{')) fail("expected '{' to open an exemplar's labels");
  const [, end] = readLabels(text, 0, fail);
  const fields = text
    .slice(end)
    .trim()
    .split(/[ \t]+/);
  const valid =
    fields.length <= 2 &&
    parseFloatValue(fields[0] ?? '') !== undefined &&
    (fields.length === 1 || parseFloatValue(fields[1]!) !== undefined);
  if (!valid) fail('invalid exemplar');
}

export function parsePrometheusText(body: string): Exposition {
  const families = new Map<string, MetricFamily>();
  const types = new Map<string, MetricType>();
  const samples: Sample[] = [];
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: types.get(name) ?? 'untyped', samples: [] };
      families.set(name, f);
    }
    return f;
  };

  const lines = body.split('\n').map((raw) => raw.replace(/\r$/, '').trim());
  // OpenMetrics text ends with `# EOF` (elsewhere it is a plain comment).
  const openMetrics = lines.findLast((line) => line !== '') === EOF;
  const known = openMetrics ? OPENMETRICS_TYPES : TYPES;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line === '') return;
    if (line.startsWith('#')) {
      const meta = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!meta) return; // a plain comment
      const [, keyword, name, rest = ''] = meta;
      if (!isMetricName(name!)) throw new MetricsFormatError(lineNo, 'invalid metric name', line);
      if (keyword === 'TYPE') {
        const type = rest.trim().toLowerCase() as MetricType;
        if (!known.has(type)) throw new MetricsFormatError(lineNo, 'unknown metric type', line);
        if (types.has(name!))
          throw new MetricsFormatError(lineNo, `second TYPE line for ${name}`, line);
        if (families.get(name!)?.samples.length)
          throw new MetricsFormatError(lineNo, `TYPE line for ${name} after its samples`, line);
        types.set(name!, type);
        family(name!).type = type;
      } else {
        const f = family(name!);
        if (f.help !== undefined)
          throw new MetricsFormatError(lineNo, `second HELP line for ${name}`, line);
        f.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      }
      return;
    }
    const sample = parseSample(line, lineNo, openMetrics);
    samples.push(sample);
    family(familyOf(sample.name, types)).samples.push(sample);
  });
  return { format: openMetrics ? 'openmetrics' : 'prometheus', families, samples };
}
